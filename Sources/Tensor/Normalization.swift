import Foundation
import Support

// LayerNorm and L2 normalisation over the last axis, and cosine similarity built on them.

extension Tensor {
    /// LayerNorm over the last axis: `(x - mean) / sqrt(var + eps) * weight + bias`, with the
    /// biased variance (PyTorch `nn.LayerNorm`). `weight`/`bias` have shape `[C]` when given.
    public func layerNorm(weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) throws -> Tensor {
        let c = shape.last ?? 1
        for (name, p) in [("weight", weight), ("bias", bias)] {
            if let p, p.shape != [c] {
                throw TensorError.shapeMismatch(op: "layerNorm", shapes: [shape, p.shape], reason: "\(name) must be [\(c)]")
            }
        }
        let x = contiguousValues()
        let rows = count / Swift.max(c, 1)
        let out = Tensor(uninitializedShape: shape)
        var means = [Float](repeating: 0, count: rows), rstds = [Float](repeating: 0, count: rows)
        let w = weight?.contiguousValues(), b = bias?.contiguousValues()
        let px = x.pointer, po = out.pointer, pw = w?.pointer, pb = b?.pointer
        means.withUnsafeMutableBufferPointer { mp in
            rstds.withUnsafeMutableBufferPointer { rp in
                let mBox = UncheckedBox(mp.baseAddress!), rBox = UncheckedBox(rp.baseAddress!)
                ParallelFor.chunks(rows, grain: Swift.max(1, 16384 / Swift.max(c, 1))) { lo, hi in
                    Tensor.layerNormRows(px + lo * c, into: po + lo * c, rows: hi - lo, width: c, weight: pw, bias: pb, eps: eps,
                                         means: mBox.value + lo, rstds: rBox.value + lo)
                }
            }
        }
        var inputs = [self]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        return out.recorded(.layerNorm(mean: means, rstd: rstds, hasWeight: weight != nil, hasBias: bias != nil), inputs: inputs)
    }

    /// The LayerNorm kernel on raw rows, on the calling thread: `rows` contiguous rows of
    /// `width` floats from `x` normalised into `out` (may be `x`), with optional affine
    /// parameters; each row's mean and 1/std go to `means` / `rstds` when given. For fused
    /// frozen kernels that normalise a block of rows right before a GEMM reads it.
    @inline(__always)
    public static func layerNormRows(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, rows: Int, width c: Int,
                                     weight pw: UnsafePointer<Float>?, bias pb: UnsafePointer<Float>?, eps: Float,
                                     means: UnsafeMutablePointer<Float>? = nil, rstds: UnsafeMutablePointer<Float>? = nil) {
        for r in 0..<rows {
            let row = x + r * c, o = out + r * c
            // Two passes with SIMD accumulators: the mean of the deviations from the row's
            // first value (so a large common offset costs no precision), then the variance
            // about the mean.
            let shift = row[0]
            let m = shift + VectorKernels.sumOfDifferences(row, shift, c) / Float(c)
            let v = VectorKernels.sumOfSquaredDifferences(row, m, c) / Float(c)
            let rstd = 1 / (v + eps).squareRoot()
            means?[r] = m
            rstds?[r] = rstd
            if let pw, let pb {
                for i in 0..<c { o[i] = (row[i] - m) * rstd * pw[i] + pb[i] }
            } else if let pw {
                for i in 0..<c { o[i] = (row[i] - m) * rstd * pw[i] }
            } else {
                for i in 0..<c { o[i] = (row[i] - m) * rstd + (pb?[i] ?? 0) }
            }
        }
    }

    /// `x / max(||x||_2, eps)` along `axis` (PyTorch `F.normalize`, eps 1e-12).
    public func l2Normalized(axis: Int = -1, eps: Float = 1e-12) throws -> Tensor {
        try alongLastAxis(axis, op: "normalize") { x in
            let v = x.contiguousValues()
            let c = x.shape.last ?? 1, rows = x.count / Swift.max(c, 1)
            let out = Tensor(uninitializedShape: x.shape)
            var norms = [Float](repeating: 0, count: rows)
            let pv = v.pointer, po = out.pointer
            for r in 0..<rows {
                let row = pv + r * c, o = po + r * c
                let n = VectorKernels.dot(row, row, c).squareRoot()
                norms[r] = n
                let inv = 1 / Swift.max(n, eps)
                for i in 0..<c { o[i] = row[i] * inv }
            }
            return out.recorded(.l2Normalize(norms: norms, eps: eps), inputs: [x])
        }
    }

    /// Cosine similarity of every row of `self` ([N, D]) with every row of `other` ([M, D]):
    /// `normalize(a) @ normalize(b)^T`, shape [N, M].
    public func cosineSimilarity(_ other: Tensor) throws -> Tensor {
        guard shape.last == other.shape.last else {
            throw TensorError.shapeMismatch(op: "cosineSimilarity", shapes: [shape, other.shape], reason: "feature dimensions differ")
        }
        return try l2Normalized().matmul(other.l2Normalized().T)
    }
}
