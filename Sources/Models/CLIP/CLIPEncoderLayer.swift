import Tensor

/// One pre-LayerNorm CLIP transformer layer (HF `CLIPEncoderLayer`):
/// `h = x + attn(layer_norm1(x)); out = h + mlp(layer_norm2(h))`, MLP with QuickGELU.
/// Checkpoint keys: `self_attn.{q,k,v,out}_proj.*`, `layer_norm1.*`, `mlp.fc{1,2}.*`, `layer_norm2.*`.
public struct CLIPEncoderLayer: Sendable {
    public let selfAttention: MultiHeadSelfAttention
    public let layerNorm1: LayerNorm
    public let mlp: MLP
    public let layerNorm2: LayerNorm

    public init(_ loader: WeightLoader, config c: CLIPTextConfig) throws {
        selfAttention = try MultiHeadSelfAttention(loader.scoped("self_attn"), dim: c.width, heads: c.heads)
        layerNorm1 = try LayerNorm(loader.scoped("layer_norm1"), dim: c.width, eps: c.layerNormEps)
        mlp = try MLP(loader.scoped("mlp"), dim: c.width, hidden: c.intermediate, activation: .quickGelu)
        layerNorm2 = try LayerNorm(loader.scoped("layer_norm2"), dim: c.width, eps: c.layerNormEps)
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
