import CBLAS
import Foundation
import Support

// Matrix products through OpenBLAS `cblas_sgemm`. Transposed and sliced operands are passed to
// BLAS with the right transpose flag and leading dimension instead of being copied; batch
// dimensions broadcast (NumPy `matmul` rules).

/// How a 2-d strided view can be handed to BLAS without a copy.
struct BLASMatrix {
    let pointer: UnsafeMutablePointer<Float>
    let transposed: Bool
    let ld: Int

    init(pointer: UnsafeMutablePointer<Float>, transposed: Bool, ld: Int) {
        self.pointer = pointer
        self.transposed = transposed
        self.ld = ld
    }

    /// `nil` when the view's strides are not expressible as a (transposed) row-major matrix.
    init?(base: UnsafeMutablePointer<Float>, offset: Int, rows r: Int, cols c: Int, s0: Int, s1: Int) {
        pointer = base + offset
        if (s1 == 1 || c == 1) && (r == 1 || s0 >= Swift.max(c, 1)) {
            transposed = false
            ld = r == 1 ? Swift.max(c, 1) : s0
        } else if (s0 == 1 || r == 1) && (c == 1 || s1 >= Swift.max(r, 1)) {
            transposed = true
            ld = c == 1 ? Swift.max(r, 1) : s1
        } else {
            return nil
        }
    }
}

/// `C = alpha * A(MxK) B(KxN) + beta * C`, C row-major with leading dimension `ldc`.
/// Products of at least `BLASThreads.splitAbove` multiply-adds are cut into one block of rows
/// per core, each a single-threaded OpenBLAS call on its own thread; smaller ones run on the
/// calling thread.
///
/// The result must not depend on the number of cores (`BLASKernels`): a row of C comes out the
/// same whichever block computes it only when the blocks start on a multiple of the kernel's
/// tile of C rows (Haswell's 12: measured bit-identical at every multiple of 12, different at 16
/// on 278 of 300 random shapes). Cutting columns, or OpenBLAS's own threads (which cut both
/// ways, by thread count), changes the last bits, so neither is used while
/// `BLASThreads.coreCountInvariant` holds (the default); with it off (`PALM_BLAS_CORETYPE=native`)
/// wide products cut columns and square-ish ones of at least `BLASThreads.ownThreadsFrom` run on
/// OpenBLAS's threads (measured then: 512^3 at 0.98-1.0x raw sgemm, 0.47-0.61x in two halves).
@inline(__always)
func sgemm(_ a: BLASMatrix, _ b: BLASMatrix, m: Int, n: Int, k: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
           alpha: Float = 1, beta: Float = 0) {
    let invariant = BLASThreads.coreCountInvariant
    if !invariant, Swift.min(m, n, k) >= BLASThreads.ownThreadsFrom {
        // A big square-ish product: OpenBLAS's own threads share one packed panel of B
        // between the cores, which beats two separate single-threaded halves at these sizes.
        BLASThreads.allThreads()
        sgemmCall(a, b, m: m, n: n, k: k, c: c, ldc: ldc, alpha: alpha, beta: beta)
        return
    }
    BLASThreads.singleThreaded()
    let parts = m * n * k < BLASThreads.splitAbove ? 1 : ParallelFor.workers
    if parts <= 1 || (m < 32 && n < 32) {
        sgemmCall(a, b, m: m, n: n, k: k, c: c, ldc: ldc, alpha: alpha, beta: beta)
        return
    }
    let splitRows = invariant || m >= n
    let total = splitRows ? m : n
    // Block edges on multiples of the kernel's tile (`BLASThreads.rowTile` rows; 16 columns).
    let tile = splitRows ? BLASThreads.rowTile : 16
    let unit = (total + tile - 1) / tile
    let (pa, pb, pc) = (UncheckedBox(a), UncheckedBox(b), UncheckedBox(c))
    DispatchQueue.concurrentPerform(iterations: parts) { p in
        let lo = Swift.min(total, unit * p / parts * tile), hi = Swift.min(total, unit * (p + 1) / parts * tile)
        guard hi > lo else { return }
        if splitRows {
            let av = pa.value.rows(from: lo)
            sgemmCall(av, pb.value, m: hi - lo, n: n, k: k, c: pc.value + lo * ldc, ldc: ldc, alpha: alpha, beta: beta)
        } else {
            let bv = pb.value.columns(from: lo)
            sgemmCall(pa.value, bv, m: m, n: hi - lo, k: k, c: pc.value + lo, ldc: ldc, alpha: alpha, beta: beta)
        }
    }
}

@inline(__always)
func sgemmCall(_ a: BLASMatrix, _ b: BLASMatrix, m: Int, n: Int, k: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                       alpha: Float, beta: Float) {
    cblas_sgemm(CblasRowMajor, a.transposed ? CblasTrans : CblasNoTrans, b.transposed ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a.pointer, Int32(a.ld), b.pointer, Int32(b.ld), beta, c, Int32(ldc))
}

extension BLASMatrix {
    /// The same matrix from row `r` on.
    func rows(from r: Int) -> BLASMatrix { BLASMatrix(pointer: pointer + (transposed ? r : r * ld), transposed: transposed, ld: ld) }
    /// The same matrix from column `j` on.
    func columns(from j: Int) -> BLASMatrix { BLASMatrix(pointer: pointer + (transposed ? j * ld : j), transposed: transposed, ld: ld) }
}

/// OpenBLAS's own threads stay off except for big square-ish products: its idle workers spin
/// (sched_yield) for a while after each threaded call, on the cores the next elementwise kernel
/// or our own GEMM blocks need. The engine splits mid-sized products across cores itself
/// (`sgemm`); OpenBLAS runs single-threaded for them.
public enum BLASThreads {
    /// Products with at least this many multiply-adds are split across cores.
    public static let splitAbove = 1 << 21
    nonisolated(unsafe) private static var current: Int32 = -1  // one writer: the calling thread
    private static let all = Int32(ParallelFor.workers)

    /// Puts OpenBLAS in single-threaded mode (cheap when it already is). Kernels that call
    /// `cblas_sgemm` directly, several at once from their own threads, call this first.
    @inline(__always) public static func singleThreaded() { set(1) }

    /// Products whose every dimension is at least this go to OpenBLAS's own threads (only
    /// without `coreCountInvariant`).
    public static let ownThreadsFrom = 512

    /// Row blocks of a split product start on multiples of this: Haswell's (and Zen's) kernels
    /// give a row the same bits in any block that starts on a multiple of 12, SkylakeX's on any
    /// multiple of 4.
    public static let rowTile = 12

    /// True (the default) when products are split so that the number of cores cannot change a
    /// bit of the result (`sgemm`): false with `PALM_BLAS_CORETYPE=native`, where OpenBLAS's own
    /// threads and column splits are used too.
    public static var coreCountInvariant: Bool { BLASKernels.partitionsInvariant }

    /// Puts OpenBLAS on every core.
    @inline(__always) public static func allThreads() { set(all) }

    /// Sets OpenBLAS's thread count for a direct `cblas_sgemm` call of `flops` multiply-adds:
    /// every core for large ones (a raw-BLAS baseline), one thread otherwise.
    @inline(__always) public static func prepare(flops: Int) { set(flops < (1 << 22) ? 1 : all) }

    @inline(__always) private static func set(_ want: Int32) {
        if want != current {
            openblas_set_num_threads(want)
            current = want
        }
    }
}

extension Tensor {
    /// Matrix product with NumPy semantics: `[..., M, K] @ [..., K, N] -> [..., M, N]`; 1-d
    /// operands are treated as a row (left) or column (right) vector and the dim is dropped
    /// (two vectors give their dot product, a scalar).
    public func matmul(_ other: Tensor) throws -> Tensor {
        if rank == 0 || other.rank == 0 {
            throw TensorError.shapeMismatch(op: "matmul", shapes: [shape, other.shape], reason: "operands must have at least one dimension")
        }
        if rank == 1 && other.rank == 1 {
            guard shape == other.shape else {
                throw TensorError.shapeMismatch(op: "matmul", shapes: [shape, other.shape], reason: "vectors of different lengths")
            }
            return try unsqueeze(0).matmul(other.unsqueeze(1)).reshape([])
        }
        if rank == 1 { return try unsqueeze(0).matmul(other).squeeze(-2) }
        if other.rank == 1 { return try matmul(other.unsqueeze(1)).squeeze(-1) }
        let m = shape[rank - 2], k = shape[rank - 1], k2 = other.shape[other.rank - 2], n = other.shape[other.rank - 1]
        guard k == k2 else {
            throw TensorError.shapeMismatch(op: "matmul", shapes: [shape, other.shape], reason: "inner dimensions \(k) and \(k2) differ")
        }
        let batchA = Array(shape.dropLast(2)), batchB = Array(other.shape.dropLast(2))
        let batch = try broadcastShapes(batchA, batchB, op: "matmul")
        let out = Tensor(uninitializedShape: batch + [m, n])
        if out.count > 0 { Tensor.gemmInto(out, self, other, batch: batch, m: m, n: n, k: k) }
        return out.recorded(.matmul, inputs: [self, other])
    }

    /// Fills contiguous `out` ([batch..., M, N]) with `a @ b`.
    private static func gemmInto(_ out: Tensor, _ a: Tensor, _ b: Tensor, batch: [Int], m: Int, n: Int, k: Int) {
        if k == 0 { out.pointer.update(repeating: 0, count: out.count); return }
        // Fold the batch of `a` into M when `b` is shared: one large GEMM instead of many.
        if b.rank == 2, a.rank > 2, let folded = a.foldedRows() {
            let bm = b.blasView()
            sgemm(folded, bm.matrix, m: out.count / n, n: n, k: k, c: out.pointer, ldc: n)
            withExtendedLifetime(bm.owner) {}
            return
        }
        let nb = elementCount(batch)
        let ea = a.broadcastView(to: batch + [m, k]), eb = b.broadcastView(to: batch + [k, n])
        let ca = BLASMatrix(base: ea.storage.base, offset: ea.offset, rows: m, cols: k, s0: ea.strides[ea.rank - 2], s1: ea.strides[ea.rank - 1]) == nil ? ea.contiguousValues() : ea
        let cb = BLASMatrix(base: eb.storage.base, offset: eb.offset, rows: k, cols: n, s0: eb.strides[eb.rank - 2], s1: eb.strides[eb.rank - 1]) == nil ? eb.contiguousValues() : eb
        let sa = Array(ca.strides.dropLast(2)), sb = Array(cb.strides.dropLast(2))
        var offsets = [(Int, Int)](repeating: (0, 0), count: nb)
        var index = [Int](repeating: 0, count: batch.count)
        var oa = ca.offset, ob = cb.offset
        for i in 0..<nb {
            offsets[i] = (oa, ob)
            var d = batch.count - 1
            while d >= 0 {
                index[d] += 1; oa += sa[d]; ob += sb[d]
                if index[d] < batch[d] { break }
                oa -= sa[d] * batch[d]; ob -= sb[d] * batch[d]; index[d] = 0
                d -= 1
            }
        }
        let (as0, as1) = (ca.strides[ca.rank - 2], ca.strides[ca.rank - 1]), (bs0, bs1) = (cb.strides[cb.rank - 2], cb.strides[cb.rank - 1])
        let (baseA, baseB, po) = (UncheckedBox(ca.storage.base), UncheckedBox(cb.storage.base), UncheckedBox(out.pointer))
        @inline(__always) func product(_ i: Int) {
            let am = BLASMatrix(base: baseA.value, offset: offsets[i].0, rows: m, cols: k, s0: as0, s1: as1)!
            let bmx = BLASMatrix(base: baseB.value, offset: offsets[i].1, rows: k, cols: n, s0: bs0, s1: bs1)!
            sgemm(am, bmx, m: m, n: n, k: k, c: po.value + i * m * n, ldc: n)
        }
        if m * n * k >= BLASThreads.splitAbove || nb * m * n * k < BLASThreads.splitAbove {
            for i in 0..<nb { product(i) }  // each product splits itself, or all are too small to split
        } else {
            // Many small products (attention heads): whole products per core.
            BLASThreads.singleThreaded()
            offsets.withUnsafeBufferPointer { ob in
                let offs = UncheckedBox(ob.baseAddress!)
                ParallelFor.chunks(nb, grain: 1) { lo, hi in
                    for i in lo..<hi {
                        let am = BLASMatrix(base: baseA.value, offset: offs.value[i].0, rows: m, cols: k, s0: as0, s1: as1)!
                        let bmx = BLASMatrix(base: baseB.value, offset: offs.value[i].1, rows: k, cols: n, s0: bs0, s1: bs1)!
                        sgemmCall(am, bmx, m: m, n: n, k: k, c: po.value + i * m * n, ldc: n, alpha: 1, beta: 0)
                    }
                }
            }
        }
        withExtendedLifetime((ca, cb)) {}
    }

    /// True when `matmul` can hand this tensor's last two dimensions to BLAS as they are (a
    /// row-major or transposed matrix with any leading dimension). An operand that cannot be
    /// handed over (every other column, a stride-0 expansion) is first copied, over the whole
    /// batch of the product, into contiguous memory: callers that budget memory count that copy.
    public var isBLASMatrix: Bool {
        guard rank >= 2 else { return false }
        return BLASMatrix(base: storage.base, offset: offset, rows: shape[rank - 2], cols: shape[rank - 1],
                          s0: strides[rank - 2], s1: strides[rank - 1]) != nil
    }

    /// Views `[..., M, K]` as one `[prod(...) * M, K]` row-major matrix when strides allow.
    func foldedRows() -> BLASMatrix? {
        guard strides[rank - 1] == 1 || shape[rank - 1] == 1 else { return nil }
        let rowStride = strides[rank - 2]
        var expected = rowStride * shape[rank - 2]
        for d in stride(from: rank - 3, through: 0, by: -1) where shape[d] != 1 {
            if strides[d] != expected { return nil }
            expected *= shape[d]
        }
        let rows = count / Swift.max(shape[rank - 1], 1)
        return BLASMatrix(base: storage.base, offset: offset, rows: rows, cols: shape[rank - 1],
                          s0: rows == 1 ? shape[rank - 1] : rowStride, s1: 1)
    }

    /// A BLAS view of a 2-d tensor, copying only when its strides need it. `owner` keeps any
    /// copy alive while the pointer is used.
    func blasView() -> (matrix: BLASMatrix, owner: Tensor) {
        if let mtx = BLASMatrix(base: storage.base, offset: offset, rows: shape[0], cols: shape[1], s0: strides[0], s1: strides[1]) {
            return (mtx, self)
        }
        let c = contiguousValues()
        return (BLASMatrix(base: c.storage.base, offset: c.offset, rows: shape[0], cols: shape[1], s0: c.strides[0], s1: c.strides[1])!, c)
    }
}

extension Tensor {
    /// `x @ weight^T + bias` (PyTorch `F.linear`): `weight` is `[out, in]` as checkpoints store
    /// it; the transpose is a view, passed to BLAS as a flag. The bias is written into the
    /// output first and the GEMM accumulates onto it (beta 1): no separate broadcast add, no
    /// second output-sized tensor.
    public func linear(weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
        guard rank >= 2, weight.rank == 2, shape[rank - 1] == weight.shape[1], bias.map({ $0.shape == [weight.shape[0]] }) ?? true,
              count > 0, weight.shape[0] > 0, let rows = foldedRows() else {
            let y = try matmul(weight.T)
            return try bias.map { try y + $0 } ?? y
        }
        let n = weight.shape[0], k = weight.shape[1], m = count / Swift.max(k, 1)
        let out = Tensor(uninitializedShape: Array(shape.dropLast()) + [n])
        let po = out.pointer
        if let bias {
            let b = bias.contiguousValues(), pb = b.pointer
            ParallelFor.chunks(m, grain: Swift.max(1, (1 << 15) / n)) { lo, hi in
                for r in lo..<hi { (po + r * n).update(from: pb, count: n) }
            }
        }
        let w = weight.blasView()  // [out, in]; used transposed
        let wt = BLASMatrix(pointer: w.matrix.pointer, transposed: !w.matrix.transposed, ld: w.matrix.ld)
        sgemm(rows, wt, m: m, n: n, k: k, c: po, ldc: n, beta: bias == nil ? 0 : 1)
        withExtendedLifetime((self, w.owner)) {}
        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        return out.recorded(.linear(hasBias: bias != nil), inputs: inputs)
    }
}

/// Gradients of `y = x W^T + b` over the rows of `x` (batch dims folded):
/// dx = g W, dW = g^T x (written straight into W's `[out, in]` layout), db = column sums of g.
func linearBackward(_ g: Tensor, x: Tensor, weight: Tensor, hasBias: Bool) throws -> [Tensor?] {
    let n = weight.shape[0], k = weight.shape[1], rows = x.count / Swift.max(k, 1)
    if x.requiresGrad, weight.requiresGrad, rows * n * k >= BLASThreads.splitAbove, ParallelFor.workers == 2 {
        // dx and dW are the same number of multiply-adds: one whole single-threaded GEMM per
        // core rather than each GEMM cut in two.
        let gc = g.contiguousValues(), xc = x.contiguousValues(), w = weight.blasView()
        let gx = Tensor(uninitializedShape: x.shape), gw = Tensor(uninitializedShape: [n, k])
        let (pg, px, pgx, pgw) = (UncheckedBox(gc.pointer), UncheckedBox(xc.pointer), UncheckedBox(gx.pointer), UncheckedBox(gw.pointer))
        let wm = UncheckedBox(w.matrix)
        BLASThreads.singleThreaded()
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 {  // dx [rows, k] = g [rows, n] @ W [n, k]
                sgemmCall(BLASMatrix(pointer: pg.value, transposed: false, ld: n), wm.value, m: rows, n: k, k: n,
                          c: pgx.value, ldc: k, alpha: 1, beta: 0)
            } else {  // dW [n, k] = g^T [n, rows] @ x [rows, k]
                sgemmCall(BLASMatrix(pointer: pg.value, transposed: true, ld: n), BLASMatrix(pointer: px.value, transposed: false, ld: k),
                          m: n, n: k, k: rows, c: pgw.value, ldc: k, alpha: 1, beta: 0)
            }
        }
        withExtendedLifetime((gc, xc, w.owner)) {}
        return hasBias ? [gx, gw, gc.reduceSum(to: [n])] : [gx, gw]
    }
    let gx = x.requiresGrad ? try g.matmul(weight) : nil
    var gw: Tensor? = nil
    if weight.requiresGrad {
        let g2 = try g.reshape([-1, n]), x2 = try x.reshape([-1, k])
        gw = try g2.T.matmul(x2)
    }
    var result: [Tensor?] = [gx, gw]
    if hasBias { result.append(g.reduceSum(to: [n])) }
    return result
}
