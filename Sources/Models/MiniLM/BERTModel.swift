import Tensor

// The BERT encoder with sentence-transformers mean pooling, as all-MiniLM-L6-v2 runs it, or
// with the [CLS] hidden state, as MS-CLAP 2022's text tower (bert-base-uncased) pools, or
// with BERT's own pooler (dense + tanh on the first token), as LAION-CLAP reads RoBERTa's
// `pooler_output`. RoBERTa is this encoder with positions from `positionOffset` (2) on and a
// single token type (`BERTConfig.robertaBase`; HF `RobertaModel`, the same key layout).
//
// Provenance: Hugging Face transformers `BertModel` (models/bert/modeling_bert.py, eager
// attention) for the encoder, sentence-transformers `Pooling(mode_mean_tokens=True)` for the
// pooling, as configured by all-MiniLM-L6-v2 (`modules.json`: Transformer, Pooling, Normalize).
// Keys (no prefix): `embeddings.{word,position,token_type}_embeddings.weight`,
// `embeddings.LayerNorm.*`, `encoder.layer.i.*`. `embeddings.position_ids` is an arange buffer
// (checked, recomputed) and `pooler.dense.*` is BERT's [CLS] pooler, which neither pooling
// uses (listed as ignored).
//
// Deliberate differences that do not change the output:
// * A batch is cut to its longest real sequence: with the padding mask no real token attends
//   to padding, and both poolings only read real tokens, so the padded tail is dead work.
// * HF masks with the dtype's minimum; palm with -inf. Both give padding exactly zero weight.
// * Segment ids are all 0 (single sentences), so the token-type row 0 is added everywhere.
// * RoBERTa gives padding tokens position `padding_idx`; palm gives every position its
//   offset index. Padding is masked and never pooled, so only real tokens' positions matter,
//   and those agree (a text spelling "<pad>" literally, which HF also skips, is the exception).

/// A BERT encoder (`BertModel` layout) with masked mean pooling or [CLS] pooling.
public struct BERTModel: Sendable {
    public let config: BERTConfig
    public let wordEmbedding: Embedding
    public let positionEmbedding: Embedding
    public let tokenTypeEmbedding: Embedding
    public let embeddingLayerNorm: LayerNorm
    public let layers: [BERTLayer]
    /// BERT's pooler `pooler.dense` (`width -> width`, then tanh on the first token), when
    /// loaded (`pooler: true`; LAION-CLAP's RoBERTa).
    public let pooler: Linear?
    /// Keys present in the checkpoint and deliberately not loaded (empty when the caller
    /// finishes the loader itself: `init(_:config:finishing:)`).
    public let ignoredKeys: [String]

    /// Keys under the encoder's prefix that checkpoints hold and the encoder does not read:
    /// BERT's [CLS] pooler (neither mean nor CLS pooling of the last hidden state uses it) and
    /// the `position_ids` buffer (checked against `0..<maxPositions` when present).
    public static let ignoredPrefixes = ["pooler.", "embeddings.position_ids"]

    /// Loads every encoder tensor from `loader` and, with `finishing` (a checkpoint that holds
    /// the encoder alone), checks that nothing else is left except `ignoredPrefixes`. A model
    /// that embeds BERT in a larger checkpoint passes `finishing: false` and finishes its root
    /// loader itself, with `ignoredPrefixes` under the encoder's prefix.
    /// With `pooler`, `pooler.dense` is read too (and is then no longer ignorable).
    public init(_ loader: WeightLoader, config c: BERTConfig, finishing: Bool = true, pooler loadPooler: Bool = false) throws {
        config = c
        let emb = loader.scoped("embeddings")
        wordEmbedding = try Embedding(emb.scoped("word_embeddings"), count: c.vocabSize, dim: c.width)
        positionEmbedding = try Embedding(emb.scoped("position_embeddings"), count: c.maxPositions, dim: c.width)
        tokenTypeEmbedding = try Embedding(emb.scoped("token_type_embeddings"), count: c.typeVocabSize, dim: c.width)
        embeddingLayerNorm = try LayerNorm(emb.scoped("LayerNorm"), dim: c.width, eps: c.layerNormEps)
        if emb.contains("position_ids") {
            // Read around the loader so the key is reported as ignored (recomputed), not used.
            let ids = try loader.source.tensor(emb.key("position_ids"))
            guard ids.shape == [1, c.maxPositions], ids.toArray() == (0..<c.maxPositions).map(Float.init) else {
                throw CheckpointError.malformed(path: loader.source.sourceName, reason: "'\(emb.key("position_ids"))' is not 0..<\(c.maxPositions)")
            }
        }
        let enc = loader.scoped("encoder").scoped("layer")
        layers = try (0..<c.layers).map { try BERTLayer(enc.scoped($0), config: c) }
        pooler = loadPooler ? try Linear(loader.scoped("pooler").scoped("dense"), inFeatures: c.width, outFeatures: c.width) : nil
        ignoredKeys = finishing ? try loader.finish(ignorablePrefixes: Self.ignoredPrefixes) : []
    }

    /// Word-embedding rows `[B, T, width]` for ids `[B, T]` (row-major), before positions and
    /// token types are added: the space CoOp's context vectors live in.
    public func tokenEmbeddings(ids: [Int], shape: [Int]) throws -> Tensor {
        try wordEmbedding(ids, shape: shape)
    }

    /// Hidden states `[B, T, width]` after the last layer, from word embeddings `[B, T, width]`
    /// and each row's real length (keys at positions `>= length` are masked). Differentiable
    /// in `tokenEmbeddings`. With `training`, train mode: `hiddenDropout` on the embeddings and
    /// on every sub-layer's output. (The attention probabilities' own dropout is not applied:
    /// the fused attention op keeps them internal.)
    public func hiddenStates(tokenEmbeddings x: Tensor, lengths: [Int], training: TrainModeState? = nil) throws -> Tensor {
        guard x.rank == 3, x.shape[2] == config.width, lengths.count == x.shape[0] else {
            throw TensorError.shapeMismatch(op: "BERTModel", shapes: [x.shape, [lengths.count]],
                                            reason: "expected token embeddings [B, T, \(config.width)] and one length per row")
        }
        let t = x.shape[1], first = config.positionOffset
        guard t + first <= config.maxPositions else {
            throw TensorError.invalidArgument(op: "BERTModel", message: "sequence of \(t) tokens exceeds \(config.maxPositions - first) positions")
        }
        if let bad = lengths.first(where: { $0 < 1 || $0 > t }) {
            throw TensorError.invalidArgument(op: "BERTModel", message: "length \(bad) outside 1...\(t)")
        }
        let positions = try positionEmbedding.weight.slice(axis: 0, start: first, end: first + t)
        let segment = try tokenTypeEmbedding.weight.slice(axis: 0, start: 0, end: 1)
        var h = try embeddingLayerNorm(x + (positions + segment))
        if let training { h = try h.dropout(config.hiddenDropout, generator: &training.generator) }
        let mask = Tensor.paddingMask(lengths: lengths, maxLength: t)
        // As in the CLIP tower (and under its budget, one knob for every text tower): the layers
        // past what the budget holds keep only their input and are recomputed in backward. Not
        // in train mode, where the recomputation would draw other dropout masks.
        let kept = training == nil && h.requiresGrad && GradMode.isEnabled ? CausalTransformer.layersKept(activationCount: h.count) : .max
        for (i, layer) in layers.enumerated() {
            h = i >= kept ? try h.checkpointed { try layer($0, mask: mask) }
                : try layer(h, mask: mask, training: training, rate: config.hiddenDropout)
        }
        return h
    }

    /// Mean of the hidden states over each row's real tokens (`[CLS]` and `[SEP]` included):
    /// `[B, width]`, not normalised. Differentiable in `tokenEmbeddings`; `training` as in
    /// `hiddenStates`.
    public func meanPooled(tokenEmbeddings x: Tensor, lengths: [Int], training: TrainModeState? = nil) throws -> Tensor {
        let h = try hiddenStates(tokenEmbeddings: x, lengths: lengths, training: training)
        return try BERTModel.maskedMean(h, lengths: lengths)
    }

    /// The last hidden state at position 0 (`[CLS]`): `[B, width]`, not normalised, as
    /// MS-CLAP 2022 pools (`last_hidden_state[:, 0, :]`, not BERT's pooler). Differentiable in
    /// `tokenEmbeddings`; `training` as in `hiddenStates`.
    public func clsPooled(tokenEmbeddings x: Tensor, lengths: [Int], training: TrainModeState? = nil) throws -> Tensor {
        try hiddenStates(tokenEmbeddings: x, lengths: lengths, training: training).select(axis: 1, index: 0)
    }

    /// BERT's `pooler_output` `[B, width]`: `tanh(pooler.dense(h[:, 0]))`, the first token's
    /// (`[CLS]`, RoBERTa's `<s>`) last hidden state through the pooler, as LAION-CLAP reads
    /// RoBERTa. Differentiable in `tokenEmbeddings`. Requires `init(..., pooler: true)`.
    public func pooled(tokenEmbeddings x: Tensor, lengths: [Int], training: TrainModeState? = nil) throws -> Tensor {
        guard let pooler else {
            throw TensorError.invalidArgument(op: "BERTModel", message: "the pooler was not loaded (init with pooler: true)")
        }
        return try pooler(clsPooled(tokenEmbeddings: x, lengths: lengths, training: training)).tanh()
    }

    /// `sum_{t < len_b} h[b, t] / len_b` as one broadcast multiply and sum (so it records on the
    /// tape like any other op), for `h [B, T, C]`.
    static func maskedMean(_ h: Tensor, lengths: [Int]) throws -> Tensor {
        let b = h.shape[0], t = h.shape[1]
        var w = [Float](repeating: 0, count: b * t)
        for (r, len) in lengths.enumerated() { for j in 0..<len { w[r * t + j] = 1 / Float(len) } }
        return try (h * Tensor(w, shape: [b, t, 1])).sum(axis: 1)
    }
}
