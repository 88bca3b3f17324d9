import Foundation
import Tensor
import TestSupport
import XCTest

/// The vectorised elementwise functions (`FastMath`) against double-precision references, and
/// the engine kernels built on them, on sizes that take the vector loops, their tails and the
/// multi-core paths. Gradients of every op are also checked by finite differences in
/// GradientTests; here the larger sizes only a golden comparison can afford.
final class FastMathTests: XCTestCase {
    func testExpIsWithinAFewUlpOfLibm() {
        let xs = (0..<20001).map { Float($0 - 18000) * 0.005 }  // [-90, 10]
        var values = xs
        values.withUnsafeMutableBufferPointer { FastMath.exp($0.baseAddress!, count: $0.count) }
        var worst: Double = 0
        for (x, e) in zip(xs, values) where x > -87 {
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(e) - exact) / exact)
        }
        print("fast exp: max relative error = \(worst)")
        XCTAssertLessThan(worst, 5e-7)
        XCTAssertTrue(values.allSatisfy { $0.isFinite && $0 >= 0 })
        XCTAssertTrue(FastMath.exp(.nan).isNaN)
        XCTAssertEqual(FastMath.expNonPositive(-.infinity), 0)
        XCTAssertEqual(FastMath.expNonPositive(-100), 0)
    }

    func testGELUIsWithinFloatResolutionOfTheExactForm() {
        let xs = (0..<20011).map { Float($0 - 10005) * 0.001 }  // [-10, 10], odd count: exercises the tail
        var values = xs
        values.withUnsafeMutableBufferPointer { FastMath.gelu($0.baseAddress!, count: $0.count) }
        var worst: Double = 0, worstDerivative: Double = 0
        for (x, g) in zip(xs, values) {
            let xd = Double(x)
            let exact = 0.5 * xd * (1 + erf(xd / 2.0.squareRoot()))
            worst = max(worst, abs(Double(g) - exact) / max(1, abs(xd)))
            let derivative = 0.5 * (1 + erf(xd / 2.0.squareRoot())) + xd * Foundation.exp(-0.5 * xd * xd) / (2 * Double.pi).squareRoot()
            worstDerivative = max(worstDerivative, abs(Double(FastMath.geluDerivative(x)) - derivative))
        }
        print("fast GELU: max |error| / max(1, |x|) = \(worst), derivative max |error| = \(worstDerivative)")
        XCTAssertLessThan(worst, 1e-6)
        XCTAssertLessThan(worstDerivative, 2e-6)
    }

    func testQuickGELUAndSigmoidMatchTheExactForms() {
        var worst: Double = 0, worstDerivative: Double = 0, worstSigmoid: Double = 0
        for i in 0..<40001 {
            let x = Float(i - 20000) * 0.005  // [-100, 100]
            let xd = Double(x), s = 1 / (1 + Foundation.exp(-1.702 * xd))
            worst = max(worst, abs(Double(FastMath.quickGelu(x)) - xd * s) / max(1, abs(xd)))
            worstDerivative = max(worstDerivative, abs(Double(FastMath.quickGeluDerivative(x)) - (s + 1.702 * xd * s * (1 - s))))
            worstSigmoid = max(worstSigmoid, abs(Double(FastMath.sigmoid(x)) - 1 / (1 + Foundation.exp(-xd))))
        }
        print("fast QuickGELU: max error \(worst), derivative \(worstDerivative); sigmoid \(worstSigmoid)")
        XCTAssertLessThan(worst, 1e-6)
        XCTAssertLessThan(worstDerivative, 1e-6)
        XCTAssertLessThan(worstSigmoid, 1e-6)
    }

    func testSoftmaxRowMatchesDoublePrecisionAndMasks() {
        var g = SeededGenerator(seed: 11)
        let row = Tensor.uniform([37], low: -20, high: 20, generator: &g).toArray()
        var values = row
        values[5] = -.infinity
        var reference = values.map(Double.init)
        let m = reference.max()!
        reference = reference.map { Foundation.exp($0 - m) }
        let total = reference.reduce(0, +)
        values.withUnsafeMutableBufferPointer { FastMath.softmaxRow($0.baseAddress!, count: $0.count) }
        for (v, r) in zip(values, reference) { XCTAssertEqual(Double(v), r / total, accuracy: 1e-6) }
        XCTAssertEqual(values[5], 0, "a -inf entry gets exactly zero probability")
        var masked: [Float] = [-.infinity, -.infinity, -.infinity]
        masked.withUnsafeMutableBufferPointer { FastMath.softmaxRow($0.baseAddress!, count: 3) }
        XCTAssertTrue(masked.allSatisfy(\.isNaN), "a fully masked row is NaN, as in PyTorch")
    }

    /// Tensor's activations on a tensor large enough for the multi-core path, forward and
    /// backward, against double-precision formulas.
    func testTensorActivationsOnLargeTensors() throws {
        var g = SeededGenerator(seed: 12)
        let x = Tensor.uniform([301, 257], low: -6, high: 6, generator: &g).requiringGrad()
        let gy = Tensor.uniform([301, 257], low: -1, high: 1, generator: &g)
        let xs = x.toArray().map(Double.init), gs = gy.toArray().map(Double.init)
        func check(_ label: String, _ f: (Tensor) throws -> Tensor, value: (Double) -> Double, derivative: (Double) -> Double) throws {
            x.zeroGrad()
            let y = try f(x)
            try y.backward(gy)
            let yv = y.toArray(), dx = x.grad!.toArray()
            var worst: Double = 0, worstGrad: Double = 0
            for i in 0..<xs.count {
                worst = max(worst, abs(Double(yv[i]) - value(xs[i])) / max(1, abs(value(xs[i]))))
                worstGrad = max(worstGrad, abs(Double(dx[i]) - gs[i] * derivative(xs[i])) / max(1, abs(gs[i] * derivative(xs[i]))))
            }
            XCTAssertLessThan(worst, 2e-6, "\(label) forward")
            XCTAssertLessThan(worstGrad, 2e-6, "\(label) backward")
        }
        func sig(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
        try check("quickGelu", { $0.quickGelu() }, value: { $0 * sig(1.702 * $0) },
                  derivative: { sig(1.702 * $0) + 1.702 * $0 * sig(1.702 * $0) * (1 - sig(1.702 * $0)) })
        try check("gelu", { $0.gelu() }, value: { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) },
                  derivative: { 0.5 * (1 + erf($0 / 2.0.squareRoot())) + $0 * Foundation.exp(-0.5 * $0 * $0) / (2 * Double.pi).squareRoot() })
        try check("sigmoid", { $0.sigmoid() }, value: sig, derivative: { sig($0) * (1 - sig($0)) })
        try check("exp", { $0.exp() }, value: { Foundation.exp($0) }, derivative: { Foundation.exp($0) })
    }

    func testExpOutsideTheFastRangeIsExact() {
        let y = Tensor([-200, -100, -87.5, 0, 88.5, 89, 100, .nan]).exp().toArray()
        XCTAssertEqual(y[0], 0)
        XCTAssertEqual(y[1], Foundation.exp(Float(-100)))
        XCTAssertEqual(y[2], Foundation.exp(Float(-87.5)))
        XCTAssertEqual(y[3], 1)
        XCTAssertEqual(y[4], Foundation.exp(Float(88.5)))
        XCTAssertEqual(y[5], .infinity)
        XCTAssertEqual(y[6], .infinity)
        XCTAssertTrue(y[7].isNaN)
    }

    func testSoftmaxOnLargeTensorMatchesDoublePrecision() throws {
        var g = SeededGenerator(seed: 13)
        let x = Tensor.uniform([600, 70], low: -30, high: 30, generator: &g)
        let y = try x.softmax().toArray(), xs = x.toArray()
        var worst: Double = 0
        for r in 0..<600 {
            let row = xs[(r * 70)..<((r + 1) * 70)].map(Double.init), m = row.max()!
            let e = row.map { Foundation.exp($0 - m) }, s = e.reduce(0, +)
            for j in 0..<70 { worst = max(worst, abs(Double(y[r * 70 + j]) - e[j] / s)) }
        }
        XCTAssertLessThan(worst, 1e-6)
    }
}

/// The engine kernels whose fast paths only larger shapes reach: GEMMs split across cores,
/// many small GEMMs spread over cores, the fused linear and attention ops, the multi-core
/// LayerNorm backward, and the large-block cache.
final class FastPathTests: XCTestCase {
    func naive(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for p in 0..<k { let av = a[i * k + p]; for j in 0..<n { out[i * n + j] += av * b[p * n + j] } } }
        return out
    }

    func maxDifference(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }

    func testSplitGEMMsMatchANaiveProduct() throws {
        var g = SeededGenerator(seed: 21)
        // Above the split threshold: rows split (m >= n), columns split (m < n), odd sizes.
        for (m, n, k) in [(203, 77, 150), (40, 333, 170), (16, 1000, 140), (130, 130, 130)] {
            let a = Tensor.uniform([m, k], generator: &g), b = Tensor.uniform([k, n], generator: &g)
            let want = naive(a.toArray(), b.toArray(), m: m, n: n, k: k)
            XCTAssertLessThan(maxDifference(try a.matmul(b).toArray(), want), 1e-3, "\(m)x\(n)x\(k)")
            XCTAssertLessThan(maxDifference(try a.T.contiguous().T.matmul(b).toArray(), want), 1e-3, "\(m)x\(n)x\(k) A transposed")
            XCTAssertLessThan(maxDifference(try a.matmul(b.T.contiguous().T).toArray(), want), 1e-3, "\(m)x\(n)x\(k) B transposed")
        }
    }

    func testManySmallGEMMsSpreadOverCoresMatchANaiveProduct() throws {
        var g = SeededGenerator(seed: 22)
        let (nb, m, n, k) = (120, 20, 30, 40)
        let a = Tensor.uniform([nb, m, k], generator: &g), b = Tensor.uniform([nb, n, k], generator: &g)
        let c = try a.matmul(b.transpose(1, 2)).toArray()
        let av = a.toArray(), bv = try b.transpose(1, 2).contiguous().toArray()
        for i in [0, 1, 59, 119] {
            let want = naive(Array(av[(i * m * k)..<((i + 1) * m * k)]), Array(bv[(i * k * n)..<((i + 1) * k * n)]), m: m, n: n, k: k)
            XCTAssertLessThan(maxDifference(Array(c[(i * m * n)..<((i + 1) * m * n)]), want), 1e-4, "item \(i)")
        }
    }

    /// `linear` (bias folded into the GEMM) against `matmul` + broadcast add, values and
    /// gradients, on a batch large enough for the split GEMM.
    func testLinearMatchesMatmulPlusBias() throws {
        var g = SeededGenerator(seed: 23)
        let x = Tensor.uniform([3, 70, 96], generator: &g), w = Tensor.uniform([130, 96], generator: &g)
        let b = Tensor.uniform([130], generator: &g), r = Tensor.uniform([3, 70, 130], generator: &g)
        func run(_ f: (Tensor, Tensor, Tensor) throws -> Tensor) throws -> [[Float]] {
            let (xi, wi, bi) = (x.copy().requiringGrad(), w.copy().requiringGrad(), b.copy().requiringGrad())
            let y = try f(xi, wi, bi)
            try (y * r).sum().backward()
            return [y.toArray(), xi.grad!.toArray(), wi.grad!.toArray(), bi.grad!.toArray()]
        }
        let fused = try run { try $0.linear(weight: $1, bias: $2) }
        let composite = try run { try $0.matmul($1.T) + $2 }
        for (i, label) in ["y", "dx", "dW", "db"].enumerated() {
            XCTAssertLessThan(maxDifference(fused[i], composite[i]), 1e-3, label)
        }
        XCTAssertEqual(try x.linear(weight: w).toArray(), try x.matmul(w.T).toArray(), "no bias")
    }

    /// The fused attention against the same computation from primitive ops, values and the
    /// gradients of q, k, v, with the rank-4 head-split views the CLIP layers pass.
    func testFusedAttentionMatchesPrimitiveOps() throws {
        var g = SeededGenerator(seed: 24)
        let (b, t, heads, d) = (3, 9, 4, 8), c = heads * d
        let qkv = (0..<3).map { _ in Tensor.uniform([b, t, c], generator: &g) }
        let r = Tensor.uniform([b, t, c], generator: &g)
        for mask in [Tensor.causalMask(t), Tensor.paddingMask(lengths: [9, 4, 6], maxLength: t), nil] {
            func run(fused: Bool) throws -> [[Float]] {
                let leaves = qkv.map { $0.copy().requiringGrad() }
                let (q, k, v) = try (leaves[0].reshape([b, t, heads, d]).transpose(1, 2), leaves[1].reshape([b, t, heads, d]).transpose(1, 2),
                                     leaves[2].reshape([b, t, heads, d]).transpose(1, 2))
                let o: Tensor
                if fused {
                    o = try Tensor.scaledDotProductAttention(q: q, k: k, v: v, mask: mask)
                } else {
                    var s = try q.matmul(k.T) * (1 / Float(d).squareRoot())
                    if let mask { s = try s + mask }
                    o = try s.softmax(axis: -1).matmul(v)
                }
                let y = try o.transpose(1, 2).reshape([b, t, c])
                try (y * r).sum().backward()
                return [y.toArray()] + leaves.map { $0.grad!.toArray() }
            }
            let fused = try run(fused: true), composite = try run(fused: false)
            for (i, label) in ["out", "dq", "dk", "dv"].enumerated() {
                XCTAssertLessThan(maxDifference(fused[i], composite[i]), 1e-5, "\(label), mask \(mask?.shape ?? [])")
            }
        }
    }

    /// The multi-core LayerNorm backward (rows split, per-part weight/bias sums) against the
    /// same normalisation written with primitive differentiable ops.
    func testLayerNormOnManyRowsMatchesPrimitiveOps() throws {
        var g = SeededGenerator(seed: 25)
        let x = Tensor.uniform([130, 512], low: -3, high: 5, generator: &g)
        let w = Tensor.uniform([512], low: 0.5, high: 1.5, generator: &g), bias = Tensor.uniform([512], generator: &g)
        let r = Tensor.uniform([130, 512], generator: &g)
        func run(_ f: (Tensor, Tensor, Tensor) throws -> Tensor) throws -> [[Float]] {
            let (xi, wi, bi) = (x.copy().requiringGrad(), w.copy().requiringGrad(), bias.copy().requiringGrad())
            try (f(xi, wi, bi) * r).sum().backward()
            return [xi.grad!.toArray(), wi.grad!.toArray(), bi.grad!.toArray()]
        }
        let fused = try run { try $0.layerNorm(weight: $1, bias: $2) }
        let composite = try run { x, w, b in
            let centred = try x - x.mean(axis: -1, keepDims: true)
            let variance = try (centred * centred).mean(axis: -1, keepDims: true)
            return try centred / (variance + 1e-5).sqrt() * w + b
        }
        for (i, label) in ["dx", "dweight", "dbias"].enumerated() {
            XCTAssertLessThan(maxDifference(fused[i], composite[i]), 2e-4, label)
        }
    }

    func testLargeBlocksAreReusedAndStillFilled() {
        let count = 1 << 21  // 8 MB
        var first: Tensor? = Tensor.full([count], 3)
        let address = first!.pointer
        first = nil
        let second = Tensor.zeros([count])
        XCTAssertEqual(second.pointer, address, "a freed large block is handed to the next allocation of its size")
        XCTAssertTrue(second.toArray().allSatisfy { $0 == 0 })
    }
}
