import Foundation
import Support

// Scaled dot-product attention and the additive masks used by CLIP (causal + padding) and
// Swin (shifted windows). The usual case is one fused op (GEMMs per batch item, mask and
// softmax in place, backward in `attentionBackward`); other layouts fall back to the same
// computation from differentiable primitives, which the tests compare it with.
// Shapes: q [..., Tq, D], k [..., Tk, D], v [..., Tk, Dv]; scores and probabilities [..., Tq, Tk].

extension Tensor {
    /// `softmax(q k^T * scale + mask) v` for `q, k, v` of shape `[..., T, Dh]`.
    /// `mask` is additive (0 to keep, a large negative value to drop) and broadcasts to
    /// `[..., Tq, Tk]`. `scale` defaults to `1/sqrt(Dh)`.
    public static func scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor? = nil,
                                                 scale: Float? = nil) throws -> Tensor {
        guard q.rank >= 2, q.shape.last == k.shape.last, k.shape.dropLast() == v.shape.dropLast() else {
            throw TensorError.shapeMismatch(op: "attention", shapes: [q.shape, k.shape, v.shape],
                                            reason: "expected q [..., Tq, D], k [..., Tk, D], v [..., Tk, Dv]")
        }
        let s = scale ?? 1 / Float(q.shape.last!).squareRoot()
        if let fused = try fusedAttention(q: q, k: k, v: v, mask: mask, scale: s) { return fused }
        var scores = try q.matmul(k.T) * s
        if let mask { scores = try scores + mask }
        return try scores.softmax(axis: -1).matmul(v)
    }

    /// The usual case as one op: q, k, v with the same batch dims `[batch..., T, D]`, a mask
    /// that needs no gradient. Per batch item (spread over cores): `S = scale q k^T` by one GEMM
    /// straight from the strided q/k views, the mask added and the softmax taken in place, then
    /// `P v`. Only the probabilities are kept for backward. A rank-4 `[B, H, T, Dv]` result is
    /// stored as `[B, T, H, Dv]` and returned as its permuted view, so merging the heads back
    /// (`transpose(1, 2).reshape([B, T, H * Dv])`) is a view, not a copy.
    static func fusedAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor?, scale: Float) throws -> Tensor? {
        let r = q.rank
        guard r >= 3, k.rank == r, v.rank == r, q.shape.dropLast(2) == k.shape.dropLast(2),
              q.shape.dropLast(2) == v.shape.dropLast(2), !(mask?.requiresGrad ?? false) else { return nil }
        let batch = Array(q.shape.dropLast(2))
        let tq = q.shape[r - 2], tk = k.shape[r - 2], d = q.shape[r - 1], dv = v.shape[r - 1]
        guard tq > 0, tk > 0, d > 0, dv > 0, elementCount(batch) > 0 else { return nil }
        let geo = AttentionGeometry(q: q, k: k, v: v, mask: mask, batch: batch, tq: tq, tk: tk, d: d, dv: dv)
        guard let geo else { return nil }
        let probabilities = Tensor(uninitializedShape: batch + [tq, tk])
        let out: Tensor
        if r == 4 {
            let physical = Tensor(uninitializedShape: [batch[0], tq, batch[1], dv])
            out = Tensor(storage: physical.storage, shape: [batch[0], batch[1], tq, dv],
                         strides: [tq * batch[1] * dv, dv, batch[1] * dv, 1])
        } else {
            out = Tensor(uninitializedShape: batch + [tq, dv])
        }
        let pp = UncheckedBox(probabilities.pointer), po = UncheckedBox(out.storage.base)
        let outRow = out.strides[r - 2], outOffsets = geo.offsets(of: out)
        BLASThreads.singleThreaded()
        ParallelFor.chunks(geo.items, grain: Swift.max(1, (1 << 18) / Swift.max(tq * tk * (d + dv), 1))) { lo, hi in
            for i in lo..<hi {
                let p = pp.value + i * tq * tk
                sgemmCall(geo.q(i), geo.k(i).transposedView, m: tq, n: tk, k: d, c: p, ldc: tk, alpha: scale, beta: 0)
                for row in 0..<tq {
                    let pr = p + row * tk
                    geo.addMask(item: i, row: row, into: pr, count: tk)
                    FastMath.softmaxRow(pr, count: tk)
                }
                sgemmCall(BLASMatrix(pointer: p, transposed: false, ld: tk), geo.v(i), m: tq, n: dv, k: tk,
                          c: po.value + outOffsets[i], ldc: outRow, alpha: 1, beta: 0)
            }
        }
        withExtendedLifetime((q, k, v, mask, geo)) {}
        return out.recorded(.attention(scale: scale, probabilities: probabilities), inputs: [q, k, v])
    }


    /// Causal additive mask `[T, T]`: 0 on and below the diagonal, `-inf` above (CLIP).
    public static func causalMask(_ t: Int, value: Float = -.infinity) -> Tensor {
        let m = Tensor.zeros([t, t])
        for i in 0..<t { for j in (i + 1)..<Swift.max(t, i + 1) { m.pointer[i * t + j] = value } }
        return m
    }

    /// Padding additive mask `[B, 1, 1, T]` from per-sequence lengths: keys at positions
    /// `>= length` get `value` (a large negative number).
    public static func paddingMask(lengths: [Int], maxLength t: Int, value: Float = -.infinity) -> Tensor {
        let m = Tensor.zeros([lengths.count, 1, 1, t])
        for (b, len) in lengths.enumerated() { for j in Swift.min(len, t)..<t { m.pointer[b * t + j] = value } }
        return m
    }
}

/// Per-item BLAS views of attention operands `[batch..., T, D]` (any strides BLAS can take
/// without a copy; others are copied once) and of a broadcast additive mask.
final class AttentionGeometry {
    let items: Int
    let q: Tensor, k: Tensor, v: Tensor, mask: Tensor?
    private let qOff: [Int], kOff: [Int], vOff: [Int], mOff: [Int]
    private let batch: [Int]
    let tq: Int, tk: Int, d: Int, dv: Int

    init?(q q0: Tensor, k k0: Tensor, v v0: Tensor, mask m0: Tensor?, batch: [Int], tq: Int, tk: Int, d: Int, dv: Int) {
        func blasReady(_ t: Tensor) -> Tensor {
            let r = t.rank
            return BLASMatrix(base: t.storage.base, offset: t.offset, rows: t.shape[r - 2], cols: t.shape[r - 1],
                              s0: t.strides[r - 2], s1: t.strides[r - 1]) == nil ? t.contiguousValues() : t
        }
        (q, k, v) = (blasReady(q0), blasReady(k0), blasReady(v0))
        self.batch = batch
        (self.tq, self.tk, self.d, self.dv) = (tq, tk, d, dv)
        items = elementCount(batch)
        if let m0 {
            guard let shape = try? broadcastShapes(m0.shape, batch + [tq, tk], op: "attention"), shape == batch + [tq, tk] else { return nil }
            mask = m0.broadcastView(to: shape)
        } else {
            mask = nil
        }
        qOff = Self.offsets(of: q, batch: batch); kOff = Self.offsets(of: k, batch: batch); vOff = Self.offsets(of: v, batch: batch)
        mOff = mask.map { Self.offsets(of: $0, batch: batch) } ?? []
    }

    /// Offset of each batch item's matrix in `t` (`[batch..., R, C]`), in row-major item order.
    func offsets(of t: Tensor) -> [Int] { Self.offsets(of: t, batch: batch) }

    static func offsets(of t: Tensor, batch: [Int]) -> [Int] {
        let items = elementCount(batch)
        var result = [Int](repeating: 0, count: items)
        var index = [Int](repeating: 0, count: batch.count)
        var o = t.offset
        for i in 0..<items {
            result[i] = o
            var dim = batch.count - 1
            while dim >= 0 {
                index[dim] += 1; o += t.strides[dim]
                if index[dim] < batch[dim] { break }
                o -= t.strides[dim] * batch[dim]; index[dim] = 0
                dim -= 1
            }
        }
        return result
    }

    private func matrix(_ t: Tensor, _ offsets: [Int], _ i: Int) -> BLASMatrix {
        let r = t.rank
        return BLASMatrix(base: t.storage.base, offset: offsets[i], rows: t.shape[r - 2], cols: t.shape[r - 1],
                          s0: t.strides[r - 2], s1: t.strides[r - 1])!
    }
    func q(_ i: Int) -> BLASMatrix { matrix(q, qOff, i) }
    func k(_ i: Int) -> BLASMatrix { matrix(k, kOff, i) }
    func v(_ i: Int) -> BLASMatrix { matrix(v, vOff, i) }

    /// Adds row `row` of item `i`'s mask to `p`.
    @inline(__always)
    func addMask(item i: Int, row: Int, into p: UnsafeMutablePointer<Float>, count n: Int) {
        guard let mask else { return }
        let r = mask.rank, s0 = mask.strides[r - 2], s1 = mask.strides[r - 1]
        let m = mask.storage.base + mOff[i] + row * s0
        if s1 == 1 {
            for j in 0..<n { p[j] += m[j] }
        } else if s1 == 0 {
            let c = m[0]
            for j in 0..<n { p[j] += c }
        } else {
            for j in 0..<n { p[j] += m[j * s1] }
        }
    }
}

extension BLASMatrix {
    /// The transpose of this matrix (the same memory with the flag flipped).
    var transposedView: BLASMatrix { BLASMatrix(pointer: pointer, transposed: !transposed, ld: ld) }
}

/// Backward of the fused attention, per batch item with P the saved probabilities and G the
/// output gradient: dV = P^T G, dP = G V^T, dS = P (dP - rowsum(dP P)) (softmax), then
/// dQ = scale dS K and dK = scale dS^T Q. Gradients come out contiguous.
func attentionBackward(_ g: Tensor, q: Tensor, k: Tensor, v: Tensor, scale: Float, probabilities: Tensor) -> [Tensor?] {
    let r = q.rank, batch = Array(q.shape.dropLast(2))
    let tq = q.shape[r - 2], tk = k.shape[r - 2], d = q.shape[r - 1], dv = v.shape[r - 1]
    let geo = AttentionGeometry(q: q, k: k, v: v, mask: nil, batch: batch, tq: tq, tk: tk, d: d, dv: dv)!
    let gr = g.rank
    let gm = BLASMatrix(base: g.storage.base, offset: g.offset, rows: tq, cols: dv, s0: g.strides[gr - 2], s1: g.strides[gr - 1]) == nil
        ? g.contiguousValues() : g
    let gOff = geo.offsets(of: gm), gs0 = gm.strides[gr - 2], gs1 = gm.strides[gr - 1]
    let gq = q.requiresGrad ? Tensor(uninitializedShape: q.shape) : nil
    let gk = k.requiresGrad ? Tensor(uninitializedShape: k.shape) : nil
    let gv = v.requiresGrad ? Tensor(uninitializedShape: v.shape) : nil
    let pp = UncheckedBox(probabilities.pointer), pg = UncheckedBox(gm.storage.base)
    let (pq, pk, pv) = (UncheckedBox(gq?.pointer), UncheckedBox(gk?.pointer), UncheckedBox(gv?.pointer))
    let grain = Swift.max(1, (1 << 18) / Swift.max(tq * tk * (d + dv), 1))
    let scratch = Tensor(uninitializedShape: [ParallelFor.parts(geo.items, grain: grain), tq * tk])
    let ps = UncheckedBox(scratch.pointer)
    BLASThreads.singleThreaded()
    ParallelFor.indexedChunks(geo.items, grain: grain) { part, lo, hi in
        let ds = ps.value + part * tq * tk
        for i in lo..<hi {
            let p = pp.value + i * tq * tk
            let pm = BLASMatrix(pointer: p, transposed: false, ld: tk)
            let gi = BLASMatrix(base: pg.value, offset: gOff[i], rows: tq, cols: dv, s0: gs0, s1: gs1)!
            if let dV = pv.value {
                sgemmCall(pm.transposedView, gi, m: tk, n: dv, k: tq, c: dV + i * tk * dv, ldc: dv, alpha: 1, beta: 0)
            }
            guard pq.value != nil || pk.value != nil else { continue }
            sgemmCall(gi, geo.v(i).transposedView, m: tq, n: tk, k: dv, c: ds, ldc: tk, alpha: 1, beta: 0)
            for row in 0..<tq {
                let dr = ds + row * tk, pr = p + row * tk
                let s = VectorKernels.dot(dr, pr, tk)
                for j in 0..<tk { dr[j] = pr[j] * (dr[j] - s) }
            }
            let dsm = BLASMatrix(pointer: ds, transposed: false, ld: tk)
            if let dQ = pq.value {
                sgemmCall(dsm, geo.k(i), m: tq, n: d, k: tk, c: dQ + i * tq * d, ldc: d, alpha: scale, beta: 0)
            }
            if let dK = pk.value {
                sgemmCall(dsm.transposedView, geo.q(i), m: tk, n: d, k: tq, c: dK + i * tk * d, ldc: d, alpha: scale, beta: 0)
            }
        }
    }
    withExtendedLifetime((gm, probabilities, scratch, geo)) {}
    return [gq, gk, gv]
}
