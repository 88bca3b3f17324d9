import CBLAS

// PyTorch's antialiased linear interpolation along one axis (`F.interpolate(..., mode='bilinear',
// align_corners=False, antialias=True)`, which torchvision's `Resize` runs on tensors; separable,
// so a 2-D resize is one pass per axis, and an axis whose size does not change passes through
// unchanged). Each output sample is a normalised triangle-filter average of a run of inputs:
//   scale   = in / out                          (float32)
//   support = scale when downsizing, else 1     (the triangle widened to cover the source span)
//   center  = scale * (i + 0.5)
//   run     = [trunc(center - support + 0.5), trunc(center + support + 0.5)) clamped to the input
//   w_j     = max(0, 1 - |(j - center + 0.5) / max(scale, 1)|), then divided by their sum
// The weights are computed in float32 with the same double promotions as PyTorch's CPU kernel,
// so the runs and weights are PyTorch's; sums run in tap order.

/// The antialiased linear resampling of one axis from `inSize` to `outSize` samples: for each
/// output, the first input of its run and the run's weights.
public struct AntialiasedLinearResize: Sendable, Equatable {
    public let inSize: Int
    public let outSize: Int
    /// First input index of each output's run.
    public let starts: [Int]
    /// Each output's normalised weights, one per input of its run.
    public let weights: [[Float]]

    public init(from inSize: Int, to outSize: Int) {
        precondition(inSize > 0 && outSize > 0, "antialiased resize needs positive sizes")
        self.inSize = inSize
        self.outSize = outSize
        let scale = Float(inSize) / Float(outSize)
        let support: Float = scale >= 1 ? scale : 1
        let invscale = Float(scale >= 1 ? 1.0 / Double(scale) : 1.0)
        // Bilinear's filter: a triangle of half-width 1.
        func triangle(_ x: Float) -> Float { let a = abs(x); return a < 1 ? 1 - a : 0 }
        var starts: [Int] = [], weights: [[Float]] = []
        for i in 0..<outSize {
            let center = Float(Double(scale) * (Double(i) + 0.5))
            let lo = Swift.max(Int(Double(center - support) + 0.5), 0)
            let hi = Swift.min(Int(Double(center + support) + 0.5), inSize)
            var w = (lo..<Swift.max(hi, lo)).map { j in triangle(Float((Double(Float(j) - center) + 0.5) * Double(invscale))) }
            let total = w.reduce(Float(0), +)
            if total != 0 { w = w.map { $0 / total } }
            starts.append(lo)
            weights.append(w)
        }
        self.starts = starts
        self.weights = weights
    }

    /// Resizes the rows of a row-major `[inSize, width]` buffer into `out` `[outSize, width]`:
    /// output row `i` = sum of `weights[i][j]` times input row `starts[i] + j`, one `saxpy` per
    /// tap (a run spans about `2 * inSize / outSize` rows when downsizing).
    public func resizeRows(_ x: UnsafePointer<Float>, width: Int, into out: UnsafeMutablePointer<Float>) {
        out.update(repeating: 0, count: outSize * width)
        for i in 0..<outSize {
            let row = out + i * width
            for (j, w) in weights[i].enumerated() {
                cblas_saxpy(Int32(width), w, x + (starts[i] + j) * width, 1, row, 1)
            }
        }
    }
}

extension Tensor {
    /// Antialiased linear resize (PyTorch `bilinear`, `antialias=True`, `align_corners=False`)
    /// of the second-to-last axis: `[..., H, W] -> [..., rows, W]`. No tape.
    public func resizedRowsAntialiased(to rows: Int) throws -> Tensor {
        guard rank >= 2, rows > 0, shape[rank - 2] > 0 else {
            throw TensorError.invalidArgument(op: "resizedRowsAntialiased",
                                              message: "needs [..., H, W] input with H > 0 and rows > 0, got \(shapeString(shape)) -> \(rows)")
        }
        let h = shape[rank - 2], w = shape[rank - 1]
        if h == rows { return self }
        let plan = AntialiasedLinearResize(from: h, to: rows)
        let x = contiguous()
        let planes = count / Swift.max(h * w, 1)
        var outShape = shape
        outShape[rank - 2] = rows
        let out = Tensor.zeros(outShape)
        for p in 0..<planes { plan.resizeRows(x.pointer + p * h * w, width: w, into: out.pointer + p * rows * w) }
        return out
    }
}
