import Support
import Tensor

// Swin window attention (msclap htsat.py `WindowAttention`, from microsoft/Swin-Transformer):
// fused `qkv` Linear with bias, q scaled by head_dim^-1/2, scores + relative position bias
// (+ the shifted-window mask), softmax, `proj` Linear.
// Legend: windows W (all clips' windows, clip-major), N tokens per window, C channels, H heads.

/// Window multi-head self-attention with a relative position bias. Checkpoint keys:
/// `qkv.{weight,bias}` `[3C, C]`, `proj.{weight,bias}`, `relative_position_bias_table`
/// `[(2S-1)^2, H]`; the `relative_position_index` buffer is recomputed (and checked if present).
struct WindowAttention: Sendable {
    let qkv: Linear
    let proj: Linear
    let heads: Int
    let dim: Int
    /// The table expanded to `[H, N, N]` once at load time.
    let relativeBias: Tensor

    init(_ loader: WeightLoader, dim: Int, heads: Int, window s: Int, recomputed: inout [String]) throws {
        precondition(dim % heads == 0, "width \(dim) is not divisible by \(heads) heads")
        qkv = try Linear(loader.scoped("qkv"), inFeatures: dim, outFeatures: 3 * dim)
        proj = try Linear(loader.scoped("proj"), inFeatures: dim, outFeatures: dim)
        self.heads = heads
        self.dim = dim
        let side = 2 * s - 1, n = s * s
        let table = try loader.tensor("relative_position_bias_table", shape: [side * side, heads])
        let index = WindowGeometry.relativePositionIndex(window: s)
        if loader.contains("relative_position_index") {
            let stored = try loader.tensor("relative_position_index", shape: [n, n])
            guard stored.toArray() == index.map(Float.init) else {
                throw CheckpointError.malformed(path: loader.source.sourceName,
                                                reason: "'\(loader.key("relative_position_index"))' differs from Swin's index for window \(s)")
            }
            recomputed.append(loader.key("relative_position_index"))
        }
        let bias = Tensor.zeros([heads, n, n])
        for h in 0..<heads { for p in 0..<(n * n) { bias.pointer[h * n * n + p] = table.pointer[index[p] * heads + h] } }
        relativeBias = bias
    }

    /// Largest `qkv` weight (3C x C) the fused path takes (Swin stages 0-2 of HTSAT).
    static let fusedWeightLimit = 1 << 19

    /// The attention half of a Swin block off the tape: `x + attention(norm(x))` for `x [B, L, C]`
    /// in grid order, windows gathered and put back by `geometry` (one fused pass per block of
    /// windows: `WindowAttentionKernel.residual`).
    func residualFrozen(_ x: Tensor, norm: LayerNorm, geometry: WindowGeometry) throws -> Tensor {
        let b = x.shape[0], l = x.shape[1], n = geometry.tokensPerWindow, windows = b * l / n
        guard qkv.weight.count <= Self.fusedWeightLimit, windows >= 2 * ParallelFor.partitionWorkers else {
            // Few or wide windows (the last stages): each block of windows would re-pack more
            // weights than it multiplies, or leave cores idle; the large GEMMs split across cores.
            let windowed = try StageProfiler.measure("norm1 + window gather") { RowGather.gather(try norm(x), order: geometry.order, clips: b) }
            let attended = try self(windowed.reshape([windows, n, dim]), mask: geometry.mask)
            return StageProfiler.measure("reverse gather + residual") {
                RowGather.gatherAdding(attended, order: geometry.inverse, clips: b, to: x)
            }
        }
        let rows = Double(x.count / dim), c = Double(dim)
        let flops = 2 * rows * c * 4 * c + 4 * rows * Double(n) * c
        let src = x.isContiguous ? x : x.contiguous()
        return StageProfiler.measure("attention fused (norm1, gather, qkv, softmax(qk)v, proj, residual)", flops: flops) {
            WindowAttentionKernel.residual(src, order: geometry.order, tokens: n, heads: heads, norm: norm, qkv: qkv, proj: proj,
                                           relativeBias: relativeBias, mask: geometry.mask)
        }
    }

    /// `x [W, N, C]` in window order -> `[W, N, C]`. `mask` is `[nW, N, N]` and repeats every
    /// `nW` windows (one clip's windows).
    func callAsFunction(_ x: Tensor, mask: Tensor?) throws -> Tensor {
        let w = x.shape[0], n = x.shape[1], d = dim / heads
        if !(GradMode.isEnabled && x.requiresGrad) {
            let rows = Double(w * n), c = Double(dim)
            let qkvOut = try StageProfiler.measure("attention qkv", flops: 2 * rows * c * 3 * c) { try qkv(x) }
            let o = try StageProfiler.measure("attention softmax(qk)v", flops: 4 * rows * Double(n) * c) {
                try WindowAttentionKernel.attend(qkv: qkvOut, windows: w, tokens: n, heads: heads, relativeBias: relativeBias, mask: mask)
            }
            return try StageProfiler.measure("attention proj", flops: 2 * rows * c * c) { try proj(o) }
        }
        let qkvOut = try qkv(x)
        let parts = try qkvOut.reshape([w, n, 3, heads, d]).permute([2, 0, 3, 1, 4])
        let q = try parts.select(axis: 0, index: 0), k = try parts.select(axis: 0, index: 1), v = try parts.select(axis: 0, index: 2)
        var scores = try (q * (1 / Float(d).squareRoot())).matmul(k.T) + relativeBias
        if let mask {
            let nW = mask.shape[0]
            scores = try (scores.reshape([w / nW, nW, heads, n, n]) + mask.unsqueeze(1)).reshape([w, heads, n, n])
        }
        let o = try scores.softmax(axis: -1).matmul(v)
        return try proj(o.permute([0, 2, 1, 3]).reshape([w, n, dim]))
    }
}
