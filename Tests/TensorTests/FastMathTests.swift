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
        func tanhArg(_ v: Double) -> Double { Foundation.tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)) }
        try check("geluTanh", { $0.geluTanh() }, value: { 0.5 * $0 * (1 + tanhArg($0)) },
                  derivative: { 0.5 * (1 + tanhArg($0)) + 0.5 * $0 * (1 - tanhArg($0) * tanhArg($0)) * (2 / Double.pi).squareRoot() * (1 + 3 * 0.044715 * $0 * $0) })
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
