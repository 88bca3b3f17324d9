// Views: reshape, permute/transpose, slice, expand, (un)squeeze and the differentiable
// `contiguous()` copy. Views share storage; only `reshape` of a non-contiguous tensor copies.

extension Tensor {
    /// Reinterprets the elements under a new shape (one dimension may be -1). A view when the
    /// tensor is contiguous, else a copy.
    public func reshape(_ newShape: [Int]) throws -> Tensor {
        var target = newShape
        let known = newShape.filter { $0 != -1 }.reduce(1, *)
        if let i = newShape.firstIndex(of: -1) {
            guard newShape.filter({ $0 == -1 }).count == 1, known > 0, count % known == 0 else {
                throw TensorError.shapeMismatch(op: "reshape", shapes: [shape, newShape], reason: "cannot infer the -1 dimension")
            }
            target[i] = count / known
        }
        guard elementCount(target) == count, target.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.shapeMismatch(op: "reshape", shapes: [shape, newShape],
                                            reason: "\(count) elements cannot take shape \(shapeString(newShape))")
        }
        if target == shape { return self }
        let src = contiguousValues()
        return Tensor(storage: src.storage, shape: target, strides: contiguousStrides(target), offset: src.offset)
            .recorded(.reshape, inputs: [self])
    }

    /// Reorders dimensions: result dim `i` is input dim `perm[i]`. Never copies.
    public func permute(_ perm: [Int]) throws -> Tensor {
        let p = try perm.map { try normalizeAxis($0, rank: rank, op: "permute") }
        guard p.count == rank, Set(p).count == rank else {
            throw TensorError.invalidArgument(op: "permute", message: "\(perm) is not a permutation of \(rank) axes (shape \(shapeString(shape)))")
        }
        return Tensor(storage: storage, shape: p.map { shape[$0] }, strides: p.map { strides[$0] }, offset: offset)
            .recorded(.permute(p), inputs: [self])
    }

    /// Swaps two dimensions (default: the last two).
    public func transpose(_ a: Int = -2, _ b: Int = -1) throws -> Tensor {
        var p = Array(0..<rank)
        let i = try normalizeAxis(a, rank: rank, op: "transpose"), j = try normalizeAxis(b, rank: rank, op: "transpose")
        p.swapAt(i, j)
        return try permute(p)
    }

    /// The matrix transpose of the last two dimensions (`t.T` in scripts).
    public var T: Tensor { get throws { try transpose(-2, -1) } }

    /// Elements `start..<end` (step `step`) along `axis`; negative bounds count from the end.
    public func slice(axis: Int, start: Int, end: Int? = nil, step: Int = 1) throws -> Tensor {
        let a = try normalizeAxis(axis, rank: rank, op: "slice")
        let n = shape[a]
        guard step > 0 else { throw TensorError.invalidArgument(op: "slice", message: "step must be positive, got \(step)") }
        let lo = Swift.min(Swift.max(start < 0 ? start + n : start, 0), n)
        let hiRaw = end ?? n
        let hi = Swift.min(Swift.max(hiRaw < 0 ? hiRaw + n : hiRaw, lo), n)
        var newShape = shape, newStrides = strides
        newShape[a] = (hi - lo + step - 1) / step
        newStrides[a] = strides[a] * step
        return Tensor(storage: storage, shape: newShape, strides: newStrides, offset: offset + lo * strides[a])
            .recorded(.slice(axis: a, start: lo, step: step), inputs: [self])
    }

    /// Element `index` along `axis`, removing that axis.
    public func select(axis: Int, index: Int) throws -> Tensor {
        let a = try normalizeAxis(axis, rank: rank, op: "select")
        let i = index < 0 ? index + shape[a] : index
        guard i >= 0, i < shape[a] else {
            throw TensorError.invalidArgument(op: "select", message: "index \(index) out of range for axis \(a) of size \(shape[a])")
        }
        return try slice(axis: a, start: i, end: i + 1).squeeze(a)
    }

    /// Broadcasts to `target` (NumPy rules, no copy).
    public func expand(_ target: [Int]) throws -> Tensor {
        let s = try broadcastShapes(shape, target, op: "expand")
        guard s == target else {
            throw TensorError.shapeMismatch(op: "expand", shapes: [shape, target], reason: "can only expand size-1 dimensions")
        }
        if target == shape { return self }
        return broadcastView(to: target).recorded(.expand, inputs: [self])
    }

    /// Inserts a size-1 dimension at `axis`.
    public func unsqueeze(_ axis: Int) throws -> Tensor {
        let a = try normalizeAxis(axis, rank: rank + 1, op: "unsqueeze")
        var s = shape
        s.insert(1, at: a)
        return try viewReshape(s)
    }

    /// Removes size-1 dimension `axis` (or all size-1 dimensions when nil).
    public func squeeze(_ axis: Int? = nil) throws -> Tensor {
        if let axis {
            let a = try normalizeAxis(axis, rank: rank, op: "squeeze")
            guard shape[a] == 1 else {
                throw TensorError.invalidArgument(op: "squeeze", message: "axis \(a) has size \(shape[a]), not 1")
            }
            var s = shape
            s.remove(at: a)
            return try viewReshape(s)
        }
        return try viewReshape(shape.filter { $0 != 1 })
    }

    /// Reshape that only drops or adds size-1 dims: always a view, even when non-contiguous.
    private func viewReshape(_ s: [Int]) throws -> Tensor {
        var st: [Int] = []
        var j = 0
        for d in s {
            while j < rank && shape[j] == 1 && d != 1 { j += 1 }
            if j < rank && shape[j] == d { st.append(strides[j]); j += 1 } else { st.append(0) }
        }
        return Tensor(storage: storage, shape: s, strides: st, offset: offset).recorded(.reshape, inputs: [self])
    }

    /// A contiguous tensor with the same values (a copy only when needed); differentiable.
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        return contiguousValues().recorded(.contiguous, inputs: [self])
    }
}
