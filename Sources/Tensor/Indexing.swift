// Joining and gathering: concat, stack, index-select and embedding lookup.

extension Tensor {
    /// Concatenates tensors along `axis`; all other dimensions must agree.
    public static func concat(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(op: "concat", message: "needs at least one tensor")
        }
        let a = try normalizeAxis(axis, rank: first.rank, op: "concat")
        for t in tensors where t.rank != first.rank || (0..<t.rank).contains(where: { $0 != a && t.shape[$0] != first.shape[$0] }) {
            throw TensorError.shapeMismatch(op: "concat", shapes: tensors.map(\.shape), reason: "all dimensions except axis \(a) must match")
        }
        var outShape = first.shape
        outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        let out = Tensor(uninitializedShape: outShape)
        var start = 0
        for t in tensors {
            let dst = Tensor(storage: out.storage, shape: t.shape, strides: out.strides, offset: start * out.strides[a])
            assignStrided(dst, from: t)
            start += t.shape[a]
        }
        return out.recorded(.concat(axis: a, sizes: tensors.map { $0.shape[a] }), inputs: tensors)
    }

    /// Stacks equally shaped tensors along a new `axis`.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument(op: "stack", message: "needs at least one tensor") }
        for t in tensors where t.shape != first.shape {
            throw TensorError.shapeMismatch(op: "stack", shapes: tensors.map(\.shape), reason: "all tensors must have the same shape")
        }
        let a = try normalizeAxis(axis, rank: first.rank + 1, op: "stack")
        return try concat(tensors.map { try $0.unsqueeze(a) }, axis: a)
    }

    /// Rows `indices` along `axis` (PyTorch `index_select`); repeated indices are allowed and
    /// their gradients add up.
    public func indexSelect(axis: Int, indices: [Int]) throws -> Tensor {
        let a = try normalizeAxis(axis, rank: rank, op: "indexSelect")
        let n = shape[a]
        if let bad = indices.first(where: { $0 < 0 || $0 >= n }) {
            throw TensorError.invalidArgument(op: "indexSelect", message: "index \(bad) out of range for axis \(a) of size \(n) (shape \(shapeString(shape)))")
        }
        var outShape = shape
        outShape[a] = indices.count
        let out = Tensor(uninitializedShape: outShape)
        if a == 0 && isContiguous {
            // Rows of a contiguous table (embedding lookups, batch gathers): one copy per row.
            let row = count / Swift.max(n, 1), src = pointer, dst = out.pointer
            for (j, i) in indices.enumerated() { (dst + j * row).update(from: src + i * row, count: row) }
            return out.recorded(.indexSelect(axis: a, indices: indices), inputs: [self])
        }
        var rowShape = shape
        rowShape[a] = 1
        for (j, i) in indices.enumerated() {
            let src = Tensor(storage: storage, shape: rowShape, strides: strides, offset: offset + i * strides[a])
            let dst = Tensor(storage: out.storage, shape: rowShape, strides: out.strides, offset: j * out.strides[a])
            assignStrided(dst, from: src)
        }
        return out.recorded(.indexSelect(axis: a, indices: indices), inputs: [self])
    }

    /// Embedding lookup: `ids` (any shape, as integers) index the rows of this `[V, D]` table;
    /// the result has shape `ids.shape + [D]`.
    public func embedding(_ ids: [Int], shape idsShape: [Int]) throws -> Tensor {
        guard rank == 2 else {
            throw TensorError.invalidArgument(op: "embedding", message: "table must be [vocab, dim], got \(shapeString(shape))")
        }
        guard elementCount(idsShape) == ids.count else {
            throw TensorError.invalidArgument(op: "embedding", message: "\(ids.count) ids do not fill shape \(shapeString(idsShape))")
        }
        return try indexSelect(axis: 0, indices: ids).reshape(idsShape + [shape[1]])
    }
}
