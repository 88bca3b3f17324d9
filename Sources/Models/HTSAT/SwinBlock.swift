import Support
import Tensor

// One Swin Transformer block (msclap htsat.py `SwinTransformerBlock`, norm_before_mlp='ln'):
//   x = x + window_reverse(attn(window_partition(roll(norm1(x), -shift))), then roll +shift)
//   x = x + mlp(norm2(x))
// The roll + partition (and its inverse) is one precomputed row gather. Drop-path is inactive
// in eval. Legend: B clips, L = R*R tokens, C channels.

/// A Swin block. Checkpoint keys: `norm1.*`, `attn.*`, `norm2.*`, `mlp.fc{1,2}.*`, and on
/// shifted blocks the `attn_mask` buffer (recomputed, checked when present).
struct SwinBlock: Sendable {
    let norm1: LayerNorm
    let attention: WindowAttention
    let norm2: LayerNorm
    let mlp: MLP
    let geometry: WindowGeometry

    init(_ loader: WeightLoader, dim: Int, heads: Int, resolution: Int, window: Int, shift: Int, mlpRatio: Int,
         recomputed: inout [String]) throws {
        geometry = WindowGeometry(resolution: resolution, window: window, shift: shift)
        norm1 = try LayerNorm(loader.scoped("norm1"), dim: dim)
        attention = try WindowAttention(loader.scoped("attn"), dim: dim, heads: heads, window: geometry.window, recomputed: &recomputed)
        norm2 = try LayerNorm(loader.scoped("norm2"), dim: dim)
        mlp = try MLP(loader.scoped("mlp"), dim: dim, hidden: dim * mlpRatio, activation: .gelu)
        if let mask = geometry.mask, loader.contains("attn_mask") {
            let stored = try loader.tensor("attn_mask", shape: mask.shape)
            guard stored.toArray() == mask.toArray() else {
                throw CheckpointError.malformed(path: loader.source.sourceName, reason: "'\(loader.key("attn_mask"))' differs from Swin's shifted-window mask")
            }
            recomputed.append(loader.key("attn_mask"))
        }
    }

    /// `x [B, L, C]` -> `[B, L, C]`.
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let b = x.shape[0], l = x.shape[1], c = x.shape[2]
        let n = geometry.tokensPerWindow
        if !(GradMode.isEnabled && x.requiresGrad) {
            // Frozen path: each half of the block fused (WindowAttention.residualFrozen,
            // MLP.residualFrozen); the window gathers are row copies (Tensor's indexSelect
            // builds two views per row: fine on the tape, far too slow for 4096 rows per clip).
            let h = try attention.residualFrozen(x, norm: norm1, geometry: geometry)
            return try mlp.residualFrozen(h, norm: norm2)
        }
        let windows = try norm1(x).reshape([b * l, c]).indexSelect(axis: 0, indices: batchIndices(geometry.order, clips: b))
        let attended = try attention(windows.reshape([b * l / n, n, c]), mask: geometry.mask)
        let back = try attended.reshape([b * l, c]).indexSelect(axis: 0, indices: batchIndices(geometry.inverse, clips: b))
        let h = try x + back.reshape([b, l, c])
        return try h + mlp(norm2(h))
    }

    /// Train mode: the same block with drop-path (timm's `DropPath`) on both residual branches:
    /// per clip, each branch is kept and scaled by `1 / (1 - rate)` with probability
    /// `1 - rate`, else dropped. No tape (frozen weights).
    func training(_ x: Tensor, dropPath rate: Float, generator g: inout SeededGenerator) throws -> Tensor {
        guard rate > 0 else { return try self(x) }
        let b = x.shape[0], l = x.shape[1], c = x.shape[2]
        let n = geometry.tokensPerWindow
        func mask(_ g: inout SeededGenerator) -> Tensor {
            let keep = 1 - rate
            return try! Tensor((0..<b).map { _ in (keep + g.uniform()).rounded(.down) / keep }, shape: [b, 1, 1])
        }
        let windows = RowGather.gather(try norm1(x), order: geometry.order, clips: b)
        let attended = try attention(windows.reshape([b * l / n, n, c]), mask: geometry.mask)
        let back = try RowGather.gather(attended, order: geometry.inverse, clips: b).reshape([b, l, c])
        let h = try x + back * mask(&g)
        return try h + mlp(norm2(h)) * mask(&g)
    }

    /// A per-clip permutation repeated over `clips` clips stacked along the rows.
    private func batchIndices(_ perm: [Int], clips: Int) -> [Int] {
        if clips == 1 { return perm }
        let l = perm.count
        var out = [Int]()
        out.reserveCapacity(l * clips)
        for b in 0..<clips { out.append(contentsOf: perm.lazy.map { $0 + b * l }) }
        return out
    }
}

/// Swin `PatchMerging`: each 2x2 neighbourhood concatenated as `[x0, x1, x2, x3]` =
/// `[(0,0), (1,0), (0,1), (1,1)]` (row offset first), then `norm` (LayerNorm 4C) and
/// `reduction` (Linear 4C -> 2C, no bias). `[B, R*R, C] -> [B, R*R/4, 2C]`.
struct PatchMerging: Sendable {
    let norm: LayerNorm
    let reduction: Linear

    init(_ loader: WeightLoader, dim: Int) throws {
        norm = try LayerNorm(loader.scoped("norm"), dim: 4 * dim)
        reduction = try Linear(loader.scoped("reduction"), inFeatures: 4 * dim, outFeatures: 2 * dim, bias: false)
    }

    func callAsFunction(_ x: Tensor, resolution r: Int) throws -> Tensor {
        let b = x.shape[0], c = x.shape[2]
        // [B, R/2, dh, R/2, dw, C] -> [B, R/2, R/2, dw, dh, C]: concat index = dw * 2 + dh.
        let merged = try StageProfiler.measure("merge gather + norm") {
            try norm(x.reshape([b, r / 2, 2, r / 2, 2, c]).permute([0, 1, 3, 4, 2, 5]).reshape([b, r * r / 4, 4 * c]))
        }
        return try StageProfiler.measure("merge reduction", flops: Double(4 * b * r * r * c * c)) { try reduction(merged) }
    }
}

/// Row gathers of the frozen Swin path. Legend: B clips, L rows per clip, C channels.
enum RowGather {
    /// `out[b, i] = x[b, order[i]]` for `x [B, L, C]` (any shape with rows of C), contiguous out.
    static func gather(_ x: Tensor, order: [Int], clips b: Int) -> Tensor {
        let c = x.shape.last!, l = order.count
        let src = x.isContiguous ? x : x.contiguous()
        let out = Tensor.zeros([b * l, c])
        let ps = UncheckedBox(src.pointer), po = UncheckedBox(out.pointer)
        order.withUnsafeBufferPointer { ob in
            let perm = UncheckedBox(ob.baseAddress!)
            ParallelFor.chunks(b * l, grain: 2048) { lo, hi in
                for r in lo..<hi {
                    let clip = r / l
                    (po.value + r * c).update(from: ps.value + (clip * l + perm.value[r - clip * l]) * c, count: c)
                }
            }
        }
        withExtendedLifetime(src) {}
        return out
    }

    /// `out[b, i] = base[b, i] + x[b, order[i]]`, shaped like `base` (the reverse window
    /// gather fused with the residual add).
    static func gatherAdding(_ x: Tensor, order: [Int], clips b: Int, to base: Tensor) -> Tensor {
        let c = base.shape.last!, l = order.count
        let src = x.isContiguous ? x : x.contiguous(), res = base.isContiguous ? base : base.contiguous()
        let out = Tensor.zeros(base.shape)
        let ps = UncheckedBox(src.pointer), pr = UncheckedBox(res.pointer), po = UncheckedBox(out.pointer)
        order.withUnsafeBufferPointer { ob in
            let perm = UncheckedBox(ob.baseAddress!)
            ParallelFor.chunks(b * l, grain: 2048) { lo, hi in
                for r in lo..<hi {
                    let clip = r / l
                    let s = ps.value + (clip * l + perm.value[r - clip * l]) * c, a = pr.value + r * c, o = po.value + r * c
                    for j in 0..<c { o[j] = a[j] + s[j] }
                }
            }
        }
        withExtendedLifetime((src, res)) {}
        return out
    }
}
