// Max and average pooling over [N, C, H, W] (PyTorch semantics, floor mode).

/// Output size of a pooling window along one axis.
private func pooledSize(_ n: Int, _ k: Int, _ s: Int, _ p: Int) -> Int { (n + 2 * p - k) / s + 1 }

extension Tensor {
    private func poolCheck(_ op: String, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)) throws -> (Int, Int) {
        guard rank == 4 else { throw TensorError.invalidArgument(op: op, message: "input must be [N, C, H, W], got \(shapeString(shape))") }
        guard kernel.0 > 0, kernel.1 > 0, stride.0 > 0, stride.1 > 0, padding.0 * 2 <= kernel.0, padding.1 * 2 <= kernel.1 else {
            throw TensorError.invalidArgument(op: op, message: "kernel and stride must be positive and padding at most half the kernel")
        }
        let ho = pooledSize(shape[2], kernel.0, stride.0, padding.0), wo = pooledSize(shape[3], kernel.1, stride.1, padding.1)
        guard ho > 0, wo > 0 else { throw TensorError.invalidArgument(op: op, message: "window \(kernel) larger than input \(shapeString(shape))") }
        return (ho, wo)
    }

    /// Max pooling (`F.max_pool2d`); `stride` defaults to the kernel. Padding counts as -inf.
    public func maxPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) throws -> Tensor {
        let s = stride ?? kernel
        let (ho, wo) = try poolCheck("maxPool2d", kernel: kernel, stride: s, padding: padding)
        let x = contiguousValues()
        let planes = shape[0] * shape[1], h = shape[2], w = shape[3]
        let out = Tensor(uninitializedShape: [shape[0], shape[1], ho, wo])
        var argmax = [Int32](repeating: 0, count: out.count)
        for p in 0..<planes {
            let src = x.pointer + p * h * w
            for oy in 0..<ho {
                for ox in 0..<wo {
                    var best = -Float.infinity, bi = -1
                    for ky in 0..<kernel.0 {
                        let iy = oy * s.0 - padding.0 + ky
                        if iy < 0 || iy >= h { continue }
                        for kx in 0..<kernel.1 {
                            let ix = ox * s.1 - padding.1 + kx
                            if ix < 0 || ix >= w { continue }
                            let v = src[iy * w + ix]
                            if v > best || bi < 0 || v.isNaN { best = v; bi = iy * w + ix }
                        }
                    }
                    let o = (p * ho + oy) * wo + ox
                    out.pointer[o] = best
                    argmax[o] = Int32(bi)
                }
            }
        }
        return out.recorded(.maxPool2d(argmax: argmax), inputs: [self])
    }

    /// Average pooling (`F.avg_pool2d`); `countIncludePad` as in PyTorch (default true).
    public func avgPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                          countIncludePad: Bool = true) throws -> Tensor {
        let s = stride ?? kernel
        let (ho, wo) = try poolCheck("avgPool2d", kernel: kernel, stride: s, padding: padding)
        let x = contiguousValues()
        let planes = shape[0] * shape[1], h = shape[2], w = shape[3]
        let out = Tensor(uninitializedShape: [shape[0], shape[1], ho, wo])
        for p in 0..<planes {
            let src = x.pointer + p * h * w
            for oy in 0..<ho {
                for ox in 0..<wo {
                    let (y0, x0) = (oy * s.0 - padding.0, ox * s.1 - padding.1)
                    var sum: Float = 0, n = 0
                    for iy in Swift.max(y0, 0)..<Swift.min(y0 + kernel.0, h) {
                        for ix in Swift.max(x0, 0)..<Swift.min(x0 + kernel.1, w) { sum += src[iy * w + ix]; n += 1 }
                    }
                    let div = countIncludePad ? avgDivisor(y0, x0, kernel, padding, h, w) : n
                    out.pointer[(p * ho + oy) * wo + ox] = sum / Float(Swift.max(div, 1))
                }
            }
        }
        return out.recorded(.avgPool2d(kernel: kernel, stride: s, padding: padding, countIncludePad: countIncludePad), inputs: [self])
    }
}

/// PyTorch's divisor with padding included: the window clipped to the padded input.
func avgDivisor(_ y0: Int, _ x0: Int, _ k: (Int, Int), _ p: (Int, Int), _ h: Int, _ w: Int) -> Int {
    (Swift.min(y0 + k.0, h + p.0) - y0) * (Swift.min(x0 + k.1, w + p.1) - x0)
}

func maxPool2dBackward(_ g: Tensor, input: Tensor, argmax: [Int32]) -> Tensor {
    let gx = Tensor.zeros(input.shape)
    let gc = g.contiguousValues()
    let plane = input.shape[2] * input.shape[3], outPlane = g.shape[2] * g.shape[3]
    for (o, i) in argmax.enumerated() where i >= 0 {
        gx.pointer[(o / outPlane) * plane + Int(i)] += gc.pointer[o]
    }
    return gx
}

func avgPool2dBackward(_ g: Tensor, input: Tensor, kernel: (Int, Int), stride s: (Int, Int), padding: (Int, Int), countIncludePad: Bool) -> Tensor {
    let gx = Tensor.zeros(input.shape)
    let gc = g.contiguousValues()
    let planes = input.shape[0] * input.shape[1], h = input.shape[2], w = input.shape[3], ho = g.shape[2], wo = g.shape[3]
    for p in 0..<planes {
        let dst = gx.pointer + p * h * w
        for oy in 0..<ho {
            for ox in 0..<wo {
                let (y0, x0) = (oy * s.0 - padding.0, ox * s.1 - padding.1)
                let ys = Swift.max(y0, 0)..<Swift.min(y0 + kernel.0, h), xs = Swift.max(x0, 0)..<Swift.min(x0 + kernel.1, w)
                let div = countIncludePad ? avgDivisor(y0, x0, kernel, padding, h, w) : ys.count * xs.count
                let v = gc.pointer[(p * ho + oy) * wo + ox] / Float(Swift.max(div, 1))
                for iy in ys { for ix in xs { dst[iy * w + ix] += v } }
            }
        }
    }
    return gx
}
