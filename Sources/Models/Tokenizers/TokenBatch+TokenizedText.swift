extension TokenBatch {
    /// Tokenizer outputs as one batch. Padding beyond the longest real sequence is cut
    /// (`cut: true`, the default): a bidirectional tower with a padding mask, and a causal one
    /// pooled at the EOS, give the same pooled output without it. `eosPositions` are the
    /// tokenizer's end positions, `lengths` its attention-mask counts.
    public init(batch: [TokenizedText], cut: Bool = true) {
        let lengths = batch.map { $0.attentionMask.reduce(0, +) }
        let width = cut ? max(lengths.max() ?? 0, (batch.map { $0.endPosition }.max() ?? -1) + 1) : (batch.first?.ids.count ?? 0)
        self.init(ids: batch.map { Array($0.ids.prefix(width)) }, eosPositions: batch.map { $0.endPosition }, lengths: lengths)
    }
}
