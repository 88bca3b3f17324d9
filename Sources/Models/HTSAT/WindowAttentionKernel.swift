import CBLAS
import Foundation
import Support
import Tensor

// Fused inference kernel for window attention (no tape). Per (window, head): two small GEMMs
// that read q, k, v straight out of the qkv projection (leading dimension 3C) and write the
// head's output columns straight into [W, N, C], with the bias, mask and softmax applied in
// place on an N x N scratch. This replaces ~10 Tensor ops (permutes, copies, broadcast adds,
// batched matmuls of strided views) and their temporaries on the frozen audio path.
// Legend: W windows, N tokens per window, C channels, H heads, D = C / H.

enum WindowAttentionKernel {
    /// `softmax(q k^T / sqrt(D) + bias[h] + mask[w % nW]) v` for every window and head.
    /// `qkv` is `[W, N, 3C]` contiguous (q | k | v, each head-major as Swin's reshape implies).
    static func attend(qkv: Tensor, windows w: Int, tokens n: Int, heads: Int, relativeBias: Tensor, mask: Tensor?) throws -> Tensor {
        let c3 = qkv.shape[2], c = c3 / 3, d = c / heads
        let src = qkv.isContiguous ? qkv : qkv.contiguous()
        let out = Tensor.zeros([w, n, c])
        let ps = UncheckedBox(src.pointer), po = UncheckedBox(out.pointer)
        let pb = UncheckedBox(relativeBias.pointer)
        let pm = UncheckedBox(mask?.pointer), nW = mask?.shape[0] ?? 1
        let scale = 1 / Float(d).squareRoot()
        let jobs = w * heads
        // These GEMMs are tiny (N x N x D) and run from several threads at once, so OpenBLAS must
        // be single-threaded here.
        BLASThreads.singleThreaded()
        ParallelFor.chunks(jobs, grain: 4) { lo, hi in
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
            defer { scores.deallocate() }
            for job in lo..<hi {
                let win = job / heads, h = job % heads
                let base = ps.value + win * n * c3
                let q = base + h * d, k = base + c + h * d, v = base + 2 * c + h * d
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(d), scale,
                            q, Int32(c3), k, Int32(c3), 0, scores, Int32(n))
                let bias = pb.value + h * n * n
                let m = pm.value.map { $0 + (win % nW) * n * n }
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
                            scores, Int32(n), v, Int32(c3), 0, po.value + win * n * c + h * d, Int32(c))
            }
        }
        withExtendedLifetime((src, out, relativeBias, mask)) {}
        return out
    }
}
