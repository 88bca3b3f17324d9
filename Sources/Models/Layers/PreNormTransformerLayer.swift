import Tensor

/// One pre-LayerNorm transformer layer, the block of CLIP's text tower and of GPT-2:
/// `h = x + attn(norm1(x)); out = h + mlp(norm2(h))`. The families differ only in key names,
/// in how the projections are stored and in the MLP's activation; their initialisers live
/// beside each model (`init(clip:config:)`, `init(gpt2:config:)`).
public struct PreNormTransformerLayer: Sendable {
    public let selfAttention: MultiHeadSelfAttention
    public let layerNorm1: LayerNorm
    public let mlp: MLP
    public let layerNorm2: LayerNorm

    public init(selfAttention: MultiHeadSelfAttention, layerNorm1: LayerNorm, mlp: MLP, layerNorm2: LayerNorm) {
        self.selfAttention = selfAttention; self.layerNorm1 = layerNorm1; self.mlp = mlp; self.layerNorm2 = layerNorm2
    }

    /// `x [B, T, C]` with an additive attention mask broadcastable to `[B, H, T, T]`.
    public func callAsFunction(_ x: Tensor, mask: Tensor?) throws -> Tensor {
        let h = try x + selfAttention(layerNorm1(x), mask: mask)
        return try h + mlp(layerNorm2(h))
    }

    /// The layer's output at one position per row only (`[B, C]`): `positions[b]` attends to
    /// keys `0...positions[b]` (causal row + padding), and only those rows go through the
    /// output projection and the MLP. Equal to `self(x, mask)` gathered at `positions`.
    public func callAsFunction(_ x: Tensor, onlyAt positions: [Int]) throws -> Tensor {
        let b = x.shape[0], t = x.shape[1], c = x.shape[2]
        let rows = positions.enumerated().map { $0.offset * t + $0.element }
        let y = try layerNorm1(x)
        let q = try y.reshape([b * t, c]).indexSelect(axis: 0, indices: rows).reshape([b, 1, c])
        let mask = Tensor.paddingMask(lengths: positions.map { $0 + 1 }, maxLength: t)  // [B, 1, 1, T]
        let attended = try selfAttention(queries: q, keysValues: y, mask: mask).reshape([b, c])
        let h = try x.reshape([b * t, c]).indexSelect(axis: 0, indices: rows) + attended
        return try h + mlp(layerNorm2(h))
    }
}
