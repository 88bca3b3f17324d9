import CBLAS
import Support

// 2-d convolution as im2col + GEMM (OpenBLAS), and its backward (GEMMs + col2im).
// Legend: input [N, C, H, W], weight [O, C, KH, KW], output [N, O, HO, WO].

/// Geometry of one convolution, shared by forward and backward.
struct ConvGeometry {
    let n, c, h, w, o, kh, kw, sh, sw, ph, pw, ho, wo: Int
    var columnRows: Int { c * kh * kw }
    var columnCols: Int { ho * wo }

    /// Unfolds one image `[C, H, W]` into `[C*KH*KW, HO*WO]` columns (zeros where padded), rows
    /// `ld` floats apart (default `HO*WO`; wider when several images share one column matrix).
    /// Large images are unfolded on every core, a block of channels each (their rows are
    /// disjoint); stride-1 rows are copied as one run between their zero margins.
    func im2col(_ src: UnsafePointer<Float>, _ cols: UnsafeMutablePointer<Float>, ld: Int? = nil) {
        let ld = ld ?? columnCols
        let (source, columns) = (UncheckedBox(src), UncheckedBox(cols))
        ParallelFor.chunks(c, grain: Swift.max(1, (1 << 16) / Swift.max(kh * kw * columnCols, 1))) { first, end in
            let src = source.value, cols = columns.value
            for ci in first..<end {
                for ki in 0..<kh {
                    for kj in 0..<kw {
                        let row = cols + ((ci * kh + ki) * kw + kj) * ld
                        // Stride 1: output columns lo..<hi read input columns lo - pw + kj...
                        let lo = Swift.min(wo, Swift.max(0, pw - kj)), hi = Swift.max(lo, Swift.min(wo, w + pw - kj))
                        for oy in 0..<ho {
                            let iy = oy * sh - ph + ki
                            let dst = row + oy * wo
                            if iy < 0 || iy >= h { dst.update(repeating: 0, count: wo); continue }
                            let srcRow = src + (ci * h + iy) * w
                            if sw == 1 {
                                if lo > 0 { dst.update(repeating: 0, count: lo) }
                                if hi > lo { (dst + lo).update(from: srcRow + (lo - pw + kj), count: hi - lo) }
                                if hi < wo { (dst + hi).update(repeating: 0, count: wo - hi) }
                                continue
                            }
                            for ox in 0..<wo {
                                let ix = ox * sw - pw + kj
                                dst[ox] = (ix >= 0 && ix < w) ? srcRow[ix] : 0
                            }
                        }
                    }
                }
            }
        }
    }

    /// Folds columns back onto an image, adding overlapping contributions (adjoint of im2col).
    func col2im(_ cols: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>) {
        for ci in 0..<c {
            for ki in 0..<kh {
                for kj in 0..<kw {
                    let row = cols + ((ci * kh + ki) * kw + kj) * columnCols
                    for oy in 0..<ho {
                        let iy = oy * sh - ph + ki
                        if iy < 0 || iy >= h { continue }
                        let dRow = dst + (ci * h + iy) * w
                        for ox in 0..<wo {
                            let ix = ox * sw - pw + kj
                            if ix >= 0 && ix < w { dRow[ix] += row[oy * wo + ox] }
                        }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// 2-d cross-correlation (PyTorch `F.conv2d`, groups 1, dilation 1).
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) throws -> Tensor {
        let geo = try convGeometry(weight: weight, bias: bias, stride: stride, padding: padding)
        let x = contiguousValues(), wt = weight.contiguousValues()
        let out = Tensor(uninitializedShape: [geo.n, geo.o, geo.ho, geo.wo])
        let plane = geo.ho * geo.wo
        // Small output planes (deep layers) make thin GEMMs that stream the whole weight matrix
        // once per image; several images' columns side by side make one wider GEMM instead.
        let group = Swift.max(1, Swift.min(geo.n, Self.convGroupColumns / Swift.max(plane, 1)))
        let cols = Storage(uninitializedCount: geo.columnRows * plane * group)
        let staged = group > 1 ? Storage(uninitializedCount: geo.o * plane * group) : nil
        let b = bias?.contiguousValues()
        for start in Swift.stride(from: 0, to: geo.n, by: group) {
            let g = Swift.min(group, geo.n - start), width = g * plane
            for j in 0..<g { geo.im2col(x.pointer + (start + j) * geo.c * geo.h * geo.w, cols.base + j * plane, ld: width) }
            // [O, g*HW] = W [O, CKK] @ cols [CKK, g*HW]; straight into out when g = 1.
            let dst = staged?.base ?? out.pointer + start * geo.o * plane
            sgemm(BLASMatrix(pointer: wt.pointer, transposed: false, ld: geo.columnRows),
                  BLASMatrix(pointer: cols.base, transposed: false, ld: width),
                  m: geo.o, n: width, k: geo.columnRows, c: dst, ldc: width)
            for j in 0..<g {
                let image = out.pointer + (start + j) * geo.o * plane
                for oc in 0..<geo.o {
                    let row = image + oc * plane
                    if let staged { row.update(from: staged.base + oc * width + j * plane, count: plane) }
                    if let b { let v = b.pointer[oc]; for t in 0..<plane { row[t] += v } }
                }
            }
        }
        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        return out.recorded(.conv2d(stride: stride, padding: padding, hasBias: bias != nil), inputs: inputs)
    }

    /// Output columns per GEMM the forward aims for when it groups images (`conv2d`).
    static let convGroupColumns = 4096

    func convGeometry(weight: Tensor, bias: Tensor?, stride: (Int, Int), padding: (Int, Int)) throws -> ConvGeometry {
        guard rank == 4, weight.rank == 4, weight.shape[1] == shape[1] else {
            throw TensorError.shapeMismatch(op: "conv2d", shapes: [shape, weight.shape], reason: "expected input [N, C, H, W] and weight [O, C, KH, KW]")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw TensorError.shapeMismatch(op: "conv2d", shapes: [weight.shape, bias.shape], reason: "bias must be [O]")
        }
        guard stride.0 > 0, stride.1 > 0, padding.0 >= 0, padding.1 >= 0 else {
            throw TensorError.invalidArgument(op: "conv2d", message: "stride must be positive and padding non-negative")
        }
        let ho = (shape[2] + 2 * padding.0 - weight.shape[2]) / stride.0 + 1
        let wo = (shape[3] + 2 * padding.1 - weight.shape[3]) / stride.1 + 1
        guard ho > 0, wo > 0 else {
            throw TensorError.shapeMismatch(op: "conv2d", shapes: [shape, weight.shape], reason: "kernel larger than the padded input")
        }
        return ConvGeometry(n: shape[0], c: shape[1], h: shape[2], w: shape[3], o: weight.shape[0], kh: weight.shape[2], kw: weight.shape[3],
                            sh: stride.0, sw: stride.1, ph: padding.0, pw: padding.1, ho: ho, wo: wo)
    }
}

/// dW = sum_n g[n] cols[n]^T, dX[n] = col2im(W^T g[n]), db = sum over n, y, x of g.
func conv2dBackward(_ g: Tensor, input: Tensor, weight: Tensor, stride: (Int, Int), padding: (Int, Int), hasBias: Bool) throws -> [Tensor?] {
    let geo = try input.convGeometry(weight: weight, bias: nil, stride: stride, padding: padding)
    let gc = g.contiguousValues(), x = input.contiguousValues(), wt = weight.contiguousValues()
    let plane = geo.ho * geo.wo, ckk = geo.columnRows
    let gx = Tensor.zeros(input.shape), gw = Tensor.zeros(weight.shape), gb = Tensor.zeros([geo.o])
    let cols = Storage(uninitializedCount: ckk * plane)
    for i in 0..<geo.n {
        let gi = gc.pointer + i * geo.o * plane
        if weight.requiresGrad {
            geo.im2col(x.pointer + i * geo.c * geo.h * geo.w, cols.base)
            // dW += g[i] [O, HW] @ cols^T [HW, CKK]
            sgemm(BLASMatrix(pointer: gi, transposed: false, ld: plane), BLASMatrix(pointer: cols.base, transposed: true, ld: plane),
                  m: geo.o, n: ckk, k: plane, c: gw.pointer, ldc: ckk, beta: 1)
        }
        if input.requiresGrad {
            // cols = W^T [CKK, O] @ g[i] [O, HW]
            sgemm(BLASMatrix(pointer: wt.pointer, transposed: true, ld: ckk), BLASMatrix(pointer: gi, transposed: false, ld: plane),
                  m: ckk, n: plane, k: geo.o, c: cols.base, ldc: plane)
            geo.col2im(cols.base, gx.pointer + i * geo.c * geo.h * geo.w)
        }
        if hasBias { for oc in 0..<geo.o { var s: Float = 0; for j in 0..<plane { s += gi[oc * plane + j] }; gb.pointer[oc] += s } }
    }
    return hasBias ? [gx, gw, gb] : [gx, gw]
}
