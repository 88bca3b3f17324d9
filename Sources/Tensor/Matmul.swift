import CBLAS

// Matrix products through OpenBLAS `cblas_sgemm`. Transposed and sliced operands are passed to
// BLAS with the right transpose flag and leading dimension instead of being copied; batch
// dimensions broadcast (NumPy `matmul` rules).

/// How a 2-d strided view can be handed to BLAS without a copy.
struct BLASMatrix {
    let pointer: UnsafeMutablePointer<Float>
    let transposed: Bool
    let ld: Int

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
@inline(__always)
func sgemm(_ a: BLASMatrix, _ b: BLASMatrix, m: Int, n: Int, k: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
           alpha: Float = 1, beta: Float = 0) {
    BLASThreads.prepare(flops: m * n * k)
    cblas_sgemm(CblasRowMajor, a.transposed ? CblasTrans : CblasNoTrans, b.transposed ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a.pointer, Int32(a.ld), b.pointer, Int32(b.ld), beta, c, Int32(ldc))
}

/// Chooses OpenBLAS's thread count per call. Small products run on one thread: splitting them
/// costs more than it gains, and OpenBLAS's idle workers spin (sched_yield) on the core the
/// elementwise kernels need. Large products use every core.
public enum BLASThreads {
    /// Products below this many multiply-adds run single-threaded.
    public static let singleThreadBelow = 1 << 22
    nonisolated(unsafe) private static var current: Int32 = -1  // one writer: the calling thread
    private static let all = Int32(ParallelFor.workers)

    /// Sets OpenBLAS's thread count for a product of `flops` multiply-adds. Kernels that call
    /// `cblas_sgemm` directly (several at once from their own threads, say) call this first.
    @inline(__always) public static func prepare(flops: Int) {
        let want: Int32 = flops < singleThreadBelow ? 1 : all
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
        var index = [Int](repeating: 0, count: batch.count)
        var oa = ca.offset, ob = cb.offset
        for i in 0..<nb {
            let am = BLASMatrix(base: ca.storage.base, offset: oa, rows: m, cols: k, s0: ca.strides[ca.rank - 2], s1: ca.strides[ca.rank - 1])!
            let bmx = BLASMatrix(base: cb.storage.base, offset: ob, rows: k, cols: n, s0: cb.strides[cb.rank - 2], s1: cb.strides[cb.rank - 1])!
            sgemm(am, bmx, m: m, n: n, k: k, c: out.pointer + i * m * n, ldc: n)
            var d = batch.count - 1
            while d >= 0 {
                index[d] += 1; oa += sa[d]; ob += sb[d]
                if index[d] < batch[d] { break }
                oa -= sa[d] * batch[d]; ob -= sb[d] * batch[d]; index[d] = 0
                d -= 1
            }
        }
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
    /// it; the transpose is a view, passed to BLAS as a flag.
    public func linear(weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
        let y = try matmul(weight.T)
        return try bias.map { try y + $0 } ?? y
    }
}
