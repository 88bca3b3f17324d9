import Tensor

// Multi-head self-attention in the Hugging Face CLIP layout (separate q/k/v/out projections,
// all with bias; scores scaled by head_dim^-1/2; additive mask). Shapes: x [B, T, C],
// heads H, head dim D = C / H.

/// Self-attention with `q_proj`, `k_proj`, `v_proj`, `out_proj` (HF `CLIPAttention`).
public struct MultiHeadSelfAttention: Sendable {
    public let qProj: Linear, kProj: Linear, vProj: Linear, outProj: Linear
    public let heads: Int
    public let dim: Int

    public init(_ loader: WeightLoader, dim: Int, heads: Int) throws {
        precondition(dim % heads == 0, "width \(dim) is not divisible by \(heads) heads")
        qProj = try Linear(loader.scoped("q_proj"), inFeatures: dim, outFeatures: dim)
        kProj = try Linear(loader.scoped("k_proj"), inFeatures: dim, outFeatures: dim)
        vProj = try Linear(loader.scoped("v_proj"), inFeatures: dim, outFeatures: dim)
        outProj = try Linear(loader.scoped("out_proj"), inFeatures: dim, outFeatures: dim)
        self.heads = heads
        self.dim = dim
    }

    /// `x [B, T, C]`, additive `mask` broadcastable to `[B, H, T, T]` -> `[B, T, C]`.
    public func callAsFunction(_ x: Tensor, mask: Tensor?) throws -> Tensor {
        try callAsFunction(queries: x, keysValues: x, mask: mask)
    }

    /// Attention of `queries [B, Tq, C]` over `keysValues [B, Tk, C]` (the same sequence, or a
    /// subset of its positions as queries); `mask` broadcasts to `[B, H, Tq, Tk]`.
    public func callAsFunction(queries: Tensor, keysValues x: Tensor, mask: Tensor?) throws -> Tensor {
        try attend(q: qProj(queries), k: kProj(x), v: vProj(x), mask: mask)
    }
}
