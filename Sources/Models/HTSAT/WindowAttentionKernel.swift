import CBLAS
import Foundation
import Support
import Tensor

// Fused inference kernels for window attention (no tape).
// `attend`: per (window, head), two small GEMMs that read q, k, v straight out of the qkv
// projection (leading dimension 3C) and write the head's output columns straight into
// [W, N, C], with the bias, mask and softmax applied in place on an N x N scratch. This replaces
// ~10 Tensor ops (permutes, copies, broadcast adds, batched matmuls of strided views).
// `residual`: the whole attention half of a Swin block, a block of windows at a time per core:
// window gather + LayerNorm, qkv GEMM, `attend`'s per-window work, proj GEMM, and the reverse
// gather with the residual add, so that the block's rows never leave cache between the steps.
// Legend: W windows, N tokens per window, C channels, H heads, D = C / H.

enum WindowAttentionKernel {
    /// `softmax(q k^T / sqrt(D) + bias[h] + mask[w % nW]) v` for every window and head.
    /// `qkv` is `[W, N, 3C]` contiguous (q | k | v, each head-major as Swin's reshape implies).
    static func attend(qkv: Tensor, windows w: Int, tokens n: Int, heads: Int, relativeBias: Tensor, mask: Tensor?) throws -> Tensor {
        let c3 = qkv.shape[2], c = c3 / 3
        let src = qkv.isContiguous ? qkv : qkv.contiguous()
        let out = Tensor.zeros([w, n, c])
        let ps = UncheckedBox(src.pointer), po = UncheckedBox(out.pointer)
        let pb = UncheckedBox(relativeBias.pointer)
        let pm = UncheckedBox(mask?.pointer), nW = mask?.shape[0] ?? 1
        // These GEMMs are tiny (N x N x D) and run from several threads at once, so OpenBLAS must
        // be single-threaded here.
        BLASThreads.singleThreaded()
        // One job per (window, head): a clip's last stage has a single window.
        ParallelFor.chunks(w * heads, grain: 4) { lo, hi in
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
            defer { scores.deallocate() }
            for job in lo..<hi {
                let win = job / heads, h = job % heads
                window(qkv: ps.value + win * n * c3, out: po.value + win * n * c, tokens: n, width: c, heads: heads, only: h,
                       relativeBias: pb.value, mask: pm.value.map { $0 + (win % nW) * n * n }, scores: scores)
            }
        }
        withExtendedLifetime((src, out, relativeBias, mask)) {}
        return out
    }

    /// One window, every head (or head `only`): `qkv` points at its `[N, 3C]` rows, `out` at
    /// its `[N, C]` rows; `mask` is this window's `[N, N]` (or nil); `scores` an N x N scratch.
    /// Calling thread only.
    @inline(__always)
    static func window(qkv base: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, tokens n: Int, width c: Int, heads: Int,
                       only: Int? = nil, relativeBias pb: UnsafeMutablePointer<Float>, mask m: UnsafeMutablePointer<Float>?,
                       scores: UnsafeMutablePointer<Float>) {
        let c3 = 3 * c, d = c / heads
        let scale = 1 / Float(d).squareRoot()
        for h in only.map({ $0..<($0 + 1) }) ?? 0..<heads {
            let q = base + h * d, k = base + c + h * d, v = base + 2 * c + h * d
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(d), scale,
                        q, Int32(c3), k, Int32(c3), 0, scores, Int32(n))
            let bias = pb + h * n * n
            for r in 0..<n {
                let row = scores + r * n, br = bias + r * n
                if let m {
                    let mr = m + r * n
                    for j in 0..<n { row[j] += br[j] + mr[j] }
                } else {
                    for j in 0..<n { row[j] += br[j] }
                }
                FastMath.softmaxRow(row, count: n)
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(d), Int32(n), 1,
                        scores, Int32(n), v, Int32(c3), 0, out + h * d, Int32(c))
        }
    }

    /// `x + reverse(proj(attend(qkv(norm(gather(x))))))` for `x [B, L, C]` contiguous, where
    /// `gather` takes each clip's rows in `order` (window order) and `reverse` puts them back.
    /// `mask` is `[nW, N, N]` for one clip's `nW = L / N` windows, or nil.
    static func residual(_ x: Tensor, order: [Int], tokens n: Int, heads: Int, norm: LayerNorm, qkv: Linear, proj: Linear,
                         relativeBias: Tensor, mask: Tensor?) -> Tensor {
        let b = x.shape[0], l = x.shape[1], c = x.shape[2]
        let perClip = l / n, windows = b * perClip
        let out = Tensor.uninitialized(x.shape)
        // Windows per block: ~512 rows, whose qkv rows (512 x 3C) stay in L2, and at least two
        // blocks per core of `partitionWorkers` (not this machine's cores: a block is a GEMM of
        // its own, and its edges change the last bits).
        let per = Swift.max(1, Swift.min(512 / n, windows / (2 * ParallelFor.partitionWorkers))), blocks = (windows + per - 1) / per, rowsMax = per * n
        let wq = qkv.weight.contiguous(), wp = proj.weight.contiguous()
        let bq = qkv.bias?.contiguous(), bp = proj.bias?.contiguous(), nw = norm.weight.contiguous(), nb = norm.bias.contiguous()
        let (px, po, pwq, pwp) = (UncheckedBox(x.pointer), UncheckedBox(out.pointer), UncheckedBox(wq.pointer), UncheckedBox(wp.pointer))
        let (pbq, pbp, pnw, pnb) = (UncheckedBox(bq?.pointer), UncheckedBox(bp?.pointer), UncheckedBox(nw.pointer), UncheckedBox(nb.pointer))
        let pb = UncheckedBox(relativeBias.pointer), pm = UncheckedBox(mask?.pointer), eps = norm.eps
        BLASThreads.singleThreaded()  // one single-threaded GEMM per core and block
        order.withUnsafeBufferPointer { ob in
            let perm = UncheckedBox(ob.baseAddress!)
            ParallelFor.chunks(blocks, grain: 1) { lo, hi in
                let normed = UnsafeMutablePointer<Float>.allocate(capacity: rowsMax * c)
                let qkvRows = UnsafeMutablePointer<Float>.allocate(capacity: rowsMax * 3 * c)
                let scores = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
                let source = UnsafeMutablePointer<Int>.allocate(capacity: rowsMax)
                defer { normed.deallocate(); qkvRows.deallocate(); scores.deallocate(); source.deallocate() }
                for blk in lo..<hi {
                    let w0 = blk * per, count = Swift.min(per, windows - w0), m = count * n
                    for i in 0..<m {
                        let w = w0 + i / n, clip = w / perClip
                        source[i] = clip * l + perm.value[(w - clip * perClip) * n + i % n]
                        Tensor.layerNormRows(px.value + source[i] * c, into: normed + i * c, rows: 1, width: c,
                                             weight: pnw.value, bias: pnb.value, eps: eps)
                        if let bias = pbq.value { (qkvRows + i * 3 * c).update(from: bias, count: 3 * c) }
                    }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(3 * c), Int32(c), 1,
                                normed, Int32(c), pwq.value, Int32(c), pbq.value == nil ? 0 : 1, qkvRows, Int32(3 * c))
                    // The attention output reuses `normed` (its rows were consumed by the GEMM).
                    for j in 0..<count {
                        let w = w0 + j
                        window(qkv: qkvRows + j * n * 3 * c, out: normed + j * n * c, tokens: n, width: c, heads: heads,
                               relativeBias: pb.value, mask: pm.value.map { $0 + (w % perClip) * n * n }, scores: scores)
                    }
                    // proj rows, over its bias, go to qkvRows' first m x C floats, then back to the grid.
                    let projected = qkvRows
                    if let bias = pbp.value { for i in 0..<m { (projected + i * c).update(from: bias, count: c) } }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(c), Int32(c), 1,
                                normed, Int32(c), pwp.value, Int32(c), pbp.value == nil ? 0 : 1, projected, Int32(c))
                    for i in 0..<m {
                        let o = po.value + source[i] * c, xr = px.value + source[i] * c, p = projected + i * c
                        for k in 0..<c { o[k] = xr[k] + p[k] }
                    }
                }
            }
        }
        withExtendedLifetime((x, out, wq, wp, bq, bp, nw, nb, relativeBias, mask)) {}
        return out
    }
}
