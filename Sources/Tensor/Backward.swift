import Foundation
import Support

// The one place gradients are defined: for each `Op`, the gradient of every input given the
// output's gradient `g`. Runs with recording off. Closed-form derivatives are stated beside
// each case; the gradient tests check every case against central finite differences.

extension Op {
    func gradients(inputs x: [Tensor], output y: Tensor, gradOutput g: Tensor) throws -> [Tensor?] {
        switch self {
        // d(a+b) = da + db; broadcast dims are summed back.
        // (Inputs that need no gradient, such as an additive mask, get none computed.)
        case .add: return [x[0].requiresGrad ? g.reduceSum(to: x[0].shape) : nil, x[1].requiresGrad ? g.reduceSum(to: x[1].shape) : nil]
        case .sub: return [x[0].requiresGrad ? g.reduceSum(to: x[0].shape) : nil, x[1].requiresGrad ? (-g).reduceSum(to: x[1].shape) : nil]
        // d(ab) = b da + a db.
        case .mul:
            return [x[0].requiresGrad ? try (g * x[1]).reduceSum(to: x[0].shape) : nil,
                    x[1].requiresGrad ? try (g * x[0]).reduceSum(to: x[1].shape) : nil]
        // d(a/b) = da / b - a db / b^2.
        case .div:
            return [x[0].requiresGrad ? try (g / x[1]).reduceSum(to: x[0].shape) : nil,
                    x[1].requiresGrad ? try (-(g * y) / x[1]).reduceSum(to: x[1].shape) : nil]
        case .addScalar: return [g]
        case let .mulScalar(s): return [mapUnary(g, MulScalarKernel(s: s))]
        // d(x^p) = p x^(p-1).
        case let .powScalar(p): return [try g * (x[0].pow(p - 1) * p)]
        case .neg: return [-g]
        case .exp: return [try g * y]
        case .log: return [try g / x[0]]
        // d sqrt(x) = 1 / (2 sqrt(x)).
        case .sqrt: return [mapBinary2(g, y) { gv, yv in gv * 0.5 / yv }]
        // d tanh = 1 - tanh^2.
        case .tanh: return [mapBinary2(g, y) { gv, yv in gv * (1 - yv * yv) }]
        // d erf = 2/sqrt(pi) e^(-x^2).
        case .erf: return [mapBinary2(g, x[0]) { gv, xv in gv * 1.1283791670955126 * Foundation.exp(-xv * xv) }]
        case .abs: return [mapBinary2(g, x[0]) { gv, xv in xv > 0 ? gv : (xv < 0 ? -gv : 0) }]
        // d sigmoid = s (1 - s).
        case .sigmoid: return [mapBinary2(g, y, SigmoidGradKernel())]
        case .relu: return [mapBinary2(g, x[0]) { gv, xv in xv > 0 ? gv : 0 }]
        case .gelu: return [mapBinary2(g, x[0], GELUGradKernel())]
        case .geluTanh: return [mapBinary2(g, x[0], GELUTanhGradKernel())]
        case .quickGelu: return [mapBinary2(g, x[0], QuickGELUGradKernel())]

        // Sum: every input element receives the gradient of its output element.
        case let .sum(kept):
            let gc = g.contiguousValues()
            return [Tensor(storage: gc.storage, shape: kept, strides: contiguousStrides(kept), offset: gc.offset).broadcastView(to: x[0].shape)]
        case let .max(axis, indices, _):
            return [scatterMaxGradient(g, input: x[0], axis: axis, indices: indices)]

        // softmax: dx = y (g - sum(g y)).  log-softmax: dx = g - e^y sum(g).
        case .softmax: return [softmaxBackward(g, y, log: false)]
        case .logSoftmax: return [softmaxBackward(g, y, log: true)]
        case let .layerNorm(mean, rstd, hasWeight, hasBias):
            return layerNormBackward(g, x: x[0], weight: hasWeight ? x[1] : nil, hasBias: hasBias, mean: mean, rstd: rstd)
        // y = x / max(n, eps): dx = (g - y (g . y)) / n when n > eps, else g / eps.
        case let .l2Normalize(norms, eps): return [l2NormalizeBackward(g, y, norms: norms, eps: eps)]

        // C = A B: dA = dC B^T, dB = A^T dC (batch dims summed back when broadcast).
        case .matmul: return try matmulBackward(g, x[0], x[1])
        // y = x W^T + b: dx = g W, dW = g^T x, db = sum over rows of g.
        case let .linear(hasBias): return try linearBackward(g, x: x[0], weight: x[1], hasBias: hasBias)
        // O = softmax(scale q k^T + mask) v (Attention.swift).
        case let .attention(scale, p): return attentionBackward(g, q: x[0], k: x[1], v: x[2], scale: scale, probabilities: p)

        case .reshape: return [try g.reshape(x[0].shape)]
        case let .permute(p):
            var inverse = [Int](repeating: 0, count: p.count)
            for (i, d) in p.enumerated() { inverse[d] = i }
            return [try g.permute(inverse)]
        case .expand: return [g.reduceSum(to: x[0].shape)]
        case let .slice(axis, start, step):
            let gx = Tensor.zeros(x[0].shape)
            var st = gx.strides
            st[axis] *= step
            assignStrided(Tensor(storage: gx.storage, shape: g.shape, strides: st, offset: start * gx.strides[axis]), from: g)
            return [gx]
        case .contiguous: return [g]
        case let .concat(axis, sizes):
            var start = 0
            return try sizes.map { n in
                defer { start += n }
                return try g.slice(axis: axis, start: start, end: start + n)
            }
        case let .indexSelect(axis, indices):
            let gx = Tensor.zeros(x[0].shape)
            var rowShape = gx.shape
            rowShape[axis] = 1
            for (j, i) in indices.enumerated() {
                let dst = Tensor(storage: gx.storage, shape: rowShape, strides: gx.strides, offset: i * gx.strides[axis])
                let src = Tensor(storage: g.storage, shape: rowShape, strides: g.strides, offset: g.offset + j * g.strides[axis])
                assignStrided(dst, from: src, accumulate: true)
            }
            return [gx]

        case let .conv2d(stride, padding, hasBias):
            return try conv2dBackward(g, input: x[0], weight: x[1], stride: stride, padding: padding, hasBias: hasBias)
        case let .maxPool2d(argmax): return [maxPool2dBackward(g, input: x[0], argmax: argmax)]
        case let .avgPool2d(kernel, stride, padding, countIncludePad):
            return [avgPool2dBackward(g, input: x[0], kernel: kernel, stride: stride, padding: padding, countIncludePad: countIncludePad)]

        // d CE / d logits = (softmax - onehot) / N.
        // Recompute the block on the tape from a detached copy of x, backpropagate g through it.
        case let .checkpoint(body): return [try recomputedGradient(body, x[0], g)]
        case let .crossEntropy(targets, p):
            let gx = p.contiguousValues().copy()
            let n = x[0].shape[0], c = x[0].shape[1]
            let scale = try g.item() / Float(Swift.max(n, 1))
            for i in 0..<n { gx.pointer[i * c + targets[i]] -= 1 }
            for i in 0..<gx.count { gx.pointer[i] *= scale }
            return [gx]
        }
    }
}

extension Tensor {
    /// A 2-d view whose columns are contiguous (the `.T` of a row-major matrix).
    var isTransposedView: Bool { rank == 2 && strides[0] == 1 && shape[0] > 1 && shape[1] > 1 }
}

/// `f(g, v)` elementwise for equally shaped tensors (the unary-op backward kernels).
@inline(__always)
private func mapBinary2(_ g: Tensor, _ v: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
    mapBinary(g, v, shape: v.shape, f)
}

@inline(__always)
private func mapBinary2<K: BinaryKernel>(_ g: Tensor, _ v: Tensor, _ f: K) -> Tensor {
    mapBinary(g, v, shape: v.shape, f)
}

private func scatterMaxGradient(_ g: Tensor, input: Tensor, axis: Int, indices: [Int32]) -> Tensor {
    var perm = Array(0..<input.rank)
    perm.remove(at: axis)
    perm.append(axis)
    let movedShape = perm.map { input.shape[$0] }
    let moved = Tensor.zeros(movedShape)
    let gc = g.contiguousValues()
    let n = input.shape[axis]
    for (r, i) in indices.enumerated() { moved.pointer[r * n + Int(i)] = gc.pointer[r] }
    var inverse = [Int](repeating: 0, count: perm.count)
    for (i, d) in perm.enumerated() { inverse[d] = i }
    return Tensor(storage: moved.storage, shape: inverse.map { movedShape[$0] }, strides: inverse.map { moved.strides[$0] })
}

private func softmaxBackward(_ g: Tensor, _ y: Tensor, log: Bool) -> Tensor {
    let gc = g.contiguousValues(), yc = y.contiguousValues()
    let n = y.shape.last ?? 1, rows = y.count / Swift.max(n, 1)
    let out = Tensor(uninitializedShape: y.shape)
    let pg = gc.pointer, py = yc.pointer, po = out.pointer
    ParallelFor.chunks(rows, grain: Swift.max(1, 32768 / Swift.max(n, 1))) { lo, hi in
        for r in lo..<hi {
            let gr = pg + r * n, yr = py + r * n, o = po + r * n
            if log {
                let s = VectorKernels.sum(gr, n)
                for i in 0..<n { o[i] = gr[i] - FastMath.expNonPositive(yr[i]) * s }
            } else {
                let s = VectorKernels.dot(gr, yr, n)
                for i in 0..<n { o[i] = yr[i] * (gr[i] - s) }
            }
        }
    }
    return out
}

/// LayerNorm backward with xhat = (x - mean) rstd:
/// dweight = sum_rows g xhat, dbias = sum_rows g,
/// dx = rstd (gxhat - mean(gxhat) - xhat mean(gxhat xhat)) with gxhat = g * weight.
/// Rows are cut into blocks whose size depends on the shape alone (never on the number of
/// cores, which would change the sums' order and so their last bits); each block sums its own
/// dweight/dbias, added up in block order at the end; the cores share the blocks.
private func layerNormBackward(_ g: Tensor, x: Tensor, weight: Tensor?, hasBias: Bool, mean: [Float], rstd: [Float]) -> [Tensor?] {
    let c = x.shape.last ?? 1, rows = x.count / Swift.max(c, 1)
    let gc = g.contiguousValues(), xc = x.contiguousValues(), wc = weight?.contiguousValues()
    let gx = Tensor(uninitializedShape: x.shape)
    let grain = Swift.max(1, 16384 / Swift.max(c, 1))
    let blockRows = Swift.max(grain, (rows + 63) / 64), parts = Swift.max(1, (rows + blockRows - 1) / blockRows)
    // Per block: dweight partial sums, dbias partial sums, then a row of scratch (xhat, gxhat).
    let scratch = Tensor.zeros([parts, 4 * c])
    let pg = gc.pointer, px = xc.pointer, pw = wc?.pointer, po = gx.pointer, ps = scratch.pointer
    mean.withUnsafeBufferPointer { mp in
        rstd.withUnsafeBufferPointer { rp in
            let pm = UncheckedBox(mp.baseAddress!), pr = UncheckedBox(rp.baseAddress!)
            ParallelFor.chunks(parts, grain: 1) { first, end in
                for part in first..<end {
                    let lo = part * blockRows, hi = Swift.min(rows, lo + blockRows)
                    let gw = ps + part * 4 * c, gb = gw + c, xhat = gb + c, gh = xhat + c
                    for r in lo..<hi {
                        let m = pm.value[r], s = pr.value[r]
                        let xr = px + r * c, gr = pg + r * c
                        for i in 0..<c {
                            let xh = (xr[i] - m) * s
                            xhat[i] = xh
                            gw[i] += gr[i] * xh
                            gb[i] += gr[i]
                        }
                        if let pw { for i in 0..<c { gh[i] = gr[i] * pw[i] } } else { gh.update(from: gr, count: c) }
                        let mg = VectorKernels.sum(gh, c) / Float(c), mgx = VectorKernels.dot(gh, xhat, c) / Float(c)
                        let o = po + r * c
                        for i in 0..<c { o[i] = s * (gh[i] - mg - xhat[i] * mgx) }
                    }
                }
            }
        }
    }
    var result: [Tensor?] = [gx]
    func total(_ k: Int) -> Tensor {
        let out = Tensor.zeros([c])
        for p in 0..<parts { let src = ps + p * 4 * c + k * c; for i in 0..<c { out.pointer[i] += src[i] } }
        return out
    }
    if weight != nil { result.append(total(0)) }
    if hasBias { result.append(total(1)) }
    return result
}

private func l2NormalizeBackward(_ g: Tensor, _ y: Tensor, norms: [Float], eps: Float) -> Tensor {
    let c = y.shape.last ?? 1, rows = y.count / Swift.max(c, 1)
    let gc = g.contiguousValues(), yc = y.contiguousValues()
    let out = Tensor(uninitializedShape: y.shape)
    for r in 0..<rows {
        let pg = gc.pointer + r * c, py = yc.pointer + r * c, po = out.pointer + r * c
        if norms[r] > eps {
            let dot = VectorKernels.dot(pg, py, c)
            let inv = 1 / norms[r]
            for i in 0..<c { po[i] = (pg[i] - py[i] * dot) * inv }
        } else {
            for i in 0..<c { po[i] = pg[i] / eps }
        }
    }
    return out
}

private func matmulBackward(_ g: Tensor, _ a: Tensor, _ b: Tensor) throws -> [Tensor?] {
    var ga: Tensor? = nil, gb: Tensor? = nil
    if a.requiresGrad {
        // A 2-d operand that is a transposed view gets its gradient in the same layout
        // ((B g^T)^T), so the backward of the transpose hands on a contiguous tensor.
        ga = a.rank == 2 && b.rank == 2 && a.isTransposedView ? try b.matmul(g.T).T : try g.matmul(b.T).reduceSum(to: a.shape)
    }
    if b.requiresGrad {
        if a.rank == 2 && b.rank == 2 && b.isTransposedView {
            gb = try g.T.matmul(a).T
        } else if b.rank == 2, a.rank > 2 {
            // Shared weight: fold the batch into rows, one GEMM instead of a batch and a sum.
            let k = a.shape[a.rank - 1], n = b.shape[1]
            gb = try a.reshape([-1, k]).T.matmul(g.reshape([-1, n]))
        } else {
            gb = try a.T.matmul(g).reduceSum(to: b.shape)
        }
    }
    return [ga, gb]
}
