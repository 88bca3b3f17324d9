import Tensor

/// One post-LayerNorm BERT layer (HF `BertLayer`):
/// `h = LN1(x + attn(x)); out = LN2(h + fc2(gelu(fc1(h))))` (dropout inactive in eval).
/// Checkpoint keys under `encoder.layer.i`: `attention.self.{query,key,value}.*`,
/// `attention.output.{dense,LayerNorm}.*`, `intermediate.dense.*`, `output.{dense,LayerNorm}.*`.
public struct BERTLayer: Sendable {
    public let attention: MultiHeadSelfAttention
    public let attentionLayerNorm: LayerNorm
    public let feedForward: MLP
    public let outputLayerNorm: LayerNorm

    public init(_ loader: WeightLoader, config c: BERTConfig) throws {
        let att = loader.scoped("attention")
        attention = try MultiHeadSelfAttention(bert: att, dim: c.width, heads: c.heads)
        attentionLayerNorm = try LayerNorm(att.scoped("output").scoped("LayerNorm"), dim: c.width, eps: c.layerNormEps)
        feedForward = try MLP(bert: loader, dim: c.width, hidden: c.intermediate)
        outputLayerNorm = try LayerNorm(loader.scoped("output").scoped("LayerNorm"), dim: c.width, eps: c.layerNormEps)
    }

    /// `x [B, T, C]` with an additive key mask broadcastable to `[B, H, T, T]`. With
    /// `training`, each sub-layer's output drops out (`rate`) before its residual add, as
    /// `BertSelfOutput` and `BertOutput` do in train mode.
    public func callAsFunction(_ x: Tensor, mask: Tensor?, training: TrainModeState? = nil, rate: Float = 0) throws -> Tensor {
        guard let training else {
            let h = try attentionLayerNorm(x + attention(x, mask: mask))
            return try outputLayerNorm(h + feedForward(h))
        }
        let h = try attentionLayerNorm(x + attention(x, mask: mask).dropout(rate, generator: &training.generator))
        return try outputLayerNorm(h + feedForward(h).dropout(rate, generator: &training.generator))
    }
}
