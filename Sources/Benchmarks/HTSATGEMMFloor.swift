import CBLAS
import Foundation
import Models
import Tensor

/// The time HTSAT's matrix products alone take through OpenBLAS on this machine: every product
/// of the tower (patch embedding, q/k/v, the window attention's per-window, per-head scores and
/// weighted sums, output projections, MLPs, patch merging) at its own shape, nothing else. No
/// implementation on this BLAS gets under it, so `palm bench pengi` reads palm's audio time
/// against it: how much is left above the products is what fusing and elementwise kernels can
/// still win.
public enum HTSATGEMMFloor {
    /// `count` products `[m, k] x [k, n]`.
    struct Product {
        let m: Int, n: Int, k: Int, count: Int
        /// The profile group the product belongs to (`patch embed conv`, `stage 0`, ...), as
        /// `palm bench pengi`'s profile table names them.
        let stage: String
        var flops: Double { 2 * Double(m) * Double(n) * Double(k) * Double(count) }
    }

    /// Every product of `batch` clips through HTSAT `c`.
    static func products(_ c: HTSATConfig, batch: Int) -> [Product] {
        let r0 = c.resolution(stage: 0)
        var list = [Product(m: batch * r0 * r0, n: c.embedDim, k: c.patchSize * c.patchSize, count: 1, stage: "patch embed conv")]
        for i in 0..<c.depths.count {
            let r = c.resolution(stage: i), tokens = batch * r * r, dim = c.embedDim << i
            let w = min(c.window, r), windows = batch * (r / w) * (r / w), headDim = dim / c.heads[i]
            func add(_ m: Int, _ n: Int, _ k: Int, count: Int = 1) { list.append(Product(m: m, n: n, k: k, count: count, stage: "stage \(i)")) }
            for _ in 0..<c.depths[i] {
                add(tokens, 3 * dim, dim)                                  // q, k, v
                add(w * w, w * w, headDim, count: windows * c.heads[i])    // q k^T
                add(w * w, headDim, w * w, count: windows * c.heads[i])    // softmax(.) v
                add(tokens, dim, dim)                                      // output projection
                add(tokens, c.mlpRatio * dim, dim)                         // fc1
                add(tokens, dim, c.mlpRatio * dim)                         // fc2
            }
            if i < c.depths.count - 1 { add(tokens / 4, 2 * dim, 4 * dim) }  // merging
        }
        return list
    }

    /// Seconds and FLOPs of all of `products(c, batch:)`, each shape timed as the faster of
    /// OpenBLAS on every core and independent single-threaded products (or blocks of rows) one
    /// per core, median of `repeats`.
    /// `byStage` splits the seconds by profile group (see `Product.stage`).
    public static func measure(_ c: HTSATConfig, batch: Int, repeats: Int = 3) -> (seconds: Double, flops: Double, byStage: [String: Double]) {
        var total = 0.0, flops = 0.0
        var cache: [String: Double] = [:], byStage: [String: Double] = [:]
        for p in products(c, batch: batch) {
            let key = "\(p.m)x\(p.n)x\(p.k)x\(p.count)"
            if cache[key] == nil { cache[key] = time(p, repeats: repeats) }
            total += cache[key]!
            byStage[p.stage, default: 0] += cache[key]!
            flops += p.flops
        }
        return (total, flops, byStage)
    }

    private static func time(_ p: Product, repeats: Int) -> Double {
        let workers = ParallelFor.workers
        // One set of operands per worker (a worker's products reuse it: the window products of
        // a real pass also stay in cache).
        let a = (0..<workers).map { _ in randomBuffer(p.m * p.k) }, b = (0..<workers).map { _ in randomBuffer(p.k * p.n) }
        let out = (0..<workers).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: p.m * p.n) }
        defer { (a + b + out).forEach { $0.deallocate() } }
        func gemm(_ w: Int, rows: Int) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(p.n), Int32(p.k), 1, a[w], Int32(p.k), b[w], Int32(p.n), 0,
                        out[w], Int32(p.n))
        }
        var strategies: [() -> Void] = [{
            // Independent products (or row blocks of one product), one thread each, per core.
            BLASThreads.singleThreaded()
            let units = p.count == 1 ? workers : p.count, rows = p.count == 1 ? (p.m + workers - 1) / workers : p.m
            ParallelFor.indexedChunks(units, grain: 1) { worker, lo, hi in
                for _ in lo..<hi { gemm(worker % workers, rows: rows) }
            }
        }]
        if p.count == 1 {
            strategies.append { BLASThreads.allThreads(); gemm(0, rows: p.m) }
        }
        var best = Double.infinity
        for run in strategies {
            run()  // warm-up
            var times: [Double] = []
            for _ in 0..<max(1, repeats) {
                let start = DispatchTime.now().uptimeNanoseconds
                run()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            best = min(best, times.sorted()[times.count / 2])
        }
        return best
    }

    private static func randomBuffer(_ n: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
        var g = SeededGenerator(seed: UInt64(n))
        for i in 0..<n { p[i] = Float(g.next() % 1000) / 1000 - 0.5 }
        return p
    }
}
