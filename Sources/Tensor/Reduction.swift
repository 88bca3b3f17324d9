import Foundation

// Reductions (sum, mean, max, argmax over any axes) and the softmax family along an axis.

extension Tensor {
    /// Sum over `axes` (all axes when nil). `keepDims` keeps reduced dims with size 1.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let ax = try Set((axes ?? Array(0..<rank)).map { try normalizeAxis($0, rank: rank, op: "sum") })
        let kept = shape.enumerated().map { ax.contains($0.offset) ? 1 : $0.element }
        let out = reduceSum(to: kept)
        // `out` may be `self` itself (every reduced axis has size 1): a contiguous view whose
        // values start at its offset, which the dropped-axes view must keep.
        let dropped = shape.enumerated().filter { !ax.contains($0.offset) }.map(\.element)
        let r = keepDims ? out : Tensor(storage: out.storage, shape: dropped, strides: contiguousStrides(dropped), offset: out.offset)
        return r.recorded(.sum(keptShape: kept), inputs: [self])
    }

    /// Sum over one axis.
    public func sum(axis: Int, keepDims: Bool = false) throws -> Tensor { try sum(axes: [axis], keepDims: keepDims) }

    /// Mean over `axes` (all when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let ax = try (axes ?? Array(0..<rank)).map { try normalizeAxis($0, rank: rank, op: "mean") }
        let n = Set(ax).reduce(1) { $0 * shape[$1] }
        return try sum(axes: ax, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// Mean over one axis.
    public func mean(axis: Int, keepDims: Bool = false) throws -> Tensor { try mean(axes: [axis], keepDims: keepDims) }

    /// Sums `self` down to `target` (a shape `self` broadcasts from); never recorded. Used by
    /// the backward of broadcasting ops.
    func reduceSum(to target: [Int]) -> Tensor {
        if target == shape { return contiguousValues() }
        let out = Tensor.zeros(target)
        assignStrided(out.broadcastView(to: shape), from: self, accumulate: true)
        return out
    }

    /// Maximum over `axis` (gradient flows to the first maximal element, like PyTorch).
    public func max(axis: Int, keepDims: Bool = false) throws -> Tensor {
        let (values, indices, kept) = try maxAlong(axis)
        let outShape = keepDims ? kept : shape.enumerated().filter { $0.offset != (axis < 0 ? axis + rank : axis) }.map(\.element)
        let out = Tensor(storage: values.storage, shape: outShape, strides: contiguousStrides(outShape))
        let a = try normalizeAxis(axis, rank: rank, op: "max")
        return out.recorded(.max(axis: a, indices: indices, keptShape: kept), inputs: [self])
    }

    /// Index of the maximum along `axis` (first on ties), as a tensor of integral floats.
    public func argmax(axis: Int, keepDims: Bool = false) throws -> Tensor {
        let (_, indices, kept) = try maxAlong(axis)
        let a = try normalizeAxis(axis, rank: rank, op: "argmax")
        let outShape = keepDims ? kept : shape.enumerated().filter { $0.offset != a }.map(\.element)
        return try Tensor(indices.map(Float.init), shape: outShape)
    }

    /// Maximum over all elements.
    public func max() throws -> Tensor { try reshape([-1]).max(axis: 0) }

    private func maxAlong(_ axis: Int) throws -> (Tensor, [Int32], [Int]) {
        let a = try normalizeAxis(axis, rank: rank, op: "max")
        guard shape[a] > 0 else { throw TensorError.invalidArgument(op: "max", message: "axis \(a) is empty") }
        var kept = shape
        kept[a] = 1
        // Move the axis last so each reduction reads a contiguous row.
        var perm = Array(0..<rank)
        perm.remove(at: a)
        perm.append(a)
        let moved = Tensor(storage: storage, shape: perm.map { shape[$0] }, strides: perm.map { strides[$0] }, offset: offset).contiguousValues()
        let n = shape[a], rows = count / n
        let values = Tensor(uninitializedShape: kept)
        var indices = [Int32](repeating: 0, count: rows)
        let p = moved.pointer, v = values.pointer
        for r in 0..<rows {
            let row = p + r * n
            var best = row[0], bi = 0
            for i in 1..<n where row[i] > best || (best.isNaN == false && row[i].isNaN) { best = row[i]; bi = i }
            v[r] = best
            indices[r] = Int32(bi)
        }
        return (values, indices, kept)
    }

    /// Softmax along `axis` (stable: subtracts the row maximum).
    public func softmax(axis: Int = -1) throws -> Tensor {
        try alongLastAxis(axis, op: "softmax") { x in
            x.softmaxLastAxis(log: false).recorded(.softmax, inputs: [x])
        }
    }

    /// Log-softmax along `axis` (stable log-sum-exp).
    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        try alongLastAxis(axis, op: "logSoftmax") { x in
            x.softmaxLastAxis(log: true).recorded(.logSoftmax, inputs: [x])
        }
    }

    /// Runs a last-axis op on `axis` by moving it last and back (views; the op copies).
    func alongLastAxis(_ axis: Int, op: String, _ body: (Tensor) throws -> Tensor) throws -> Tensor {
        let a = try normalizeAxis(axis, rank: rank, op: op)
        if a == rank - 1 { return try body(self) }
        return try body(transpose(a, -1)).transpose(a, -1)
    }

    /// Row-wise softmax / log-softmax over the contiguous last axis; not recorded.
    func softmaxLastAxis(log: Bool) -> Tensor {
        let x = contiguousValues()
        let n = shape.last ?? 1, rows = count / Swift.max(n, 1)
        let out = Tensor(uninitializedShape: shape)
        let px = x.pointer, po = out.pointer
        ParallelFor.chunks(rows, grain: Swift.max(1, 32768 / Swift.max(n, 1))) { lo, hi in
            for r in lo..<hi {
                let row = px + r * n, o = po + r * n
                var m = -Float.infinity
                for i in 0..<n { m = Swift.max(m, row[i]) }
                if m == -.infinity { m = 0 }  // fully masked row: avoid inf - inf
                for i in 0..<n { o[i] = FastMath.expNonPositive(row[i] - m) }
                let s = VectorKernels.sum(o, n)
                if log {
                    let ls = Foundation.log(s) + m
                    for i in 0..<n { o[i] = row[i] - ls }
                } else {
                    let inv = 1 / s
                    for i in 0..<n { o[i] *= inv }
                }
            }
        }
        return out
    }
}
