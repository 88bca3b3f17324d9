import Foundation

// Scaled dot-product attention and the additive masks used by CLIP (causal + padding) and
// Swin (shifted windows). Built from differentiable primitives, so gradients come for free.

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
        var scores = try q.matmul(k.T) * s
        if let mask { scores = try scores + mask }
        return try scores.softmax(axis: -1).matmul(v)
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
