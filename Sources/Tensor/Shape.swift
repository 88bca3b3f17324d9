// Shape arithmetic shared by every op: element counts, row-major strides, axis normalisation
// and NumPy broadcasting.

/// Number of elements of a shape (1 for a scalar `[]`).
@inlinable public func elementCount(_ shape: [Int]) -> Int {
    var n = 1
    for d in shape { n *= d }
    return n
}

/// Row-major (C-order) strides of a contiguous tensor of `shape`.
@inlinable public func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i] = acc
        acc *= shape[i]
    }
    return strides
}

/// Resolves a possibly negative axis against `rank`, throwing for out-of-range values.
@inlinable public func normalizeAxis(_ axis: Int, rank: Int, op: String) throws -> Int {
    let a = axis < 0 ? axis + rank : axis
    guard a >= 0, a < max(rank, 1) else {
        throw TensorError.invalidArgument(op: op, message: "axis \(axis) out of range for rank \(rank)")
    }
    return a
}

/// The broadcast shape of two shapes under NumPy rules (align right; sizes equal or one is 1).
public func broadcastShapes(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
    let n = max(a.count, b.count)
    var out = [Int](repeating: 1, count: n)
    for i in 0..<n {
        let da = i < n - a.count ? 1 : a[i - (n - a.count)]
        let db = i < n - b.count ? 1 : b[i - (n - b.count)]
        if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else {
            throw TensorError.shapeMismatch(op: op, shapes: [a, b],
                                            reason: "dimension \(i) is \(da) vs \(db) and neither is 1")
        }
    }
    return out
}
