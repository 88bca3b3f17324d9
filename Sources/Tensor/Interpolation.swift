// Bicubic resizing with `align_corners=True`, as PyTorch's `upsample_bicubic2d` (A = -0.75,
// border indices clamped). Resizing along an axis is linear, so it is built as a matrix
// `R [out, in]` and applied with matmul: `out = R_h x R_w^T`. Gradients come from matmul.

/// PyTorch's cubic convolution coefficients for fractional offset `t` (A = -0.75).
func cubicCoefficients(_ t: Float) -> (Float, Float, Float, Float) {
    let a: Float = -0.75
    func c1(_ x: Float) -> Float { ((a + 2) * x - (a + 3)) * x * x + 1 }
    func c2(_ x: Float) -> Float { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
    return (c2(t + 1), c1(t), c1(1 - t), c2(2 - t))
}

/// The `[outSize, inSize]` bicubic resampling matrix with `align_corners=True`.
public func bicubicMatrix(from inSize: Int, to outSize: Int) -> Tensor {
    let m = Tensor.zeros([outSize, inSize])
    let scale: Float = outSize > 1 ? Float(inSize - 1) / Float(outSize - 1) : 0
    for i in 0..<outSize {
        let real = scale * Float(i)
        let i0 = Int(real.rounded(.down))
        let t = real - Float(i0)
        let (w0, w1, w2, w3) = cubicCoefficients(t)
        for (k, wt) in [w0, w1, w2, w3].enumerated() {
            let j = Swift.min(Swift.max(i0 - 1 + k, 0), inSize - 1)
            m.pointer[i * inSize + j] += wt
        }
    }
    return m
}

extension Tensor {
    /// Bicubic resize of the last two dims (`[..., H, W] -> [..., outH, outW]`), align_corners=True.
    public func resizeBicubic(height outH: Int, width outW: Int) throws -> Tensor {
        guard rank >= 2, outH > 0, outW > 0 else {
            throw TensorError.invalidArgument(op: "resizeBicubic", message: "needs [..., H, W] input and positive sizes, got \(shapeString(shape)) -> (\(outH), \(outW))")
        }
        var r = self
        if outH != shape[rank - 2] { r = try bicubicMatrix(from: shape[rank - 2], to: outH).matmul(r) }
        if outW != shape[rank - 1] { r = try r.matmul(bicubicMatrix(from: shape[rank - 1], to: outW).T) }
        return r
    }
}
