import CKernels
import XCTest
import Tensor

/// The C kernels behind FastMath's in-place loops compute the Swift functions' arithmetic bit
/// for bit, in every version this CPU can run (baseline x86-64, AVX2, AVX-512): the vector
/// width may change the speed, never the numbers.
final class FastMathKernelTests: XCTestCase {
    /// Inputs over every regime of the functions: normal activations, the clamp ends of exp and
    /// erf, tiny and huge values, zeros of both signs, infinities and NaN; odd counts exercise
    /// the loops' tails.
    static func inputs(count: Int = 200_003) -> [Float] {
        var g = SeededGenerator(seed: 11)
        var xs: [Float] = [0, -0, 1, -1, 4, -4, 4.0001, -4.0001, 87, -87, 88, -88, 88.5, -87.5, 1e-40, -1e-40, 1e-8,
                           .infinity, -.infinity, .nan, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                           .leastNormalMagnitude, 12582912, -12582912]
        while xs.count < count {
            let scale: Float = [0.01, 1, 3, 10, 100, 1000][xs.count % 6]
            xs.append(scale * (2 * g.uniform() - 1))
        }
        return xs
    }

    func check(_ name: String, swift: (Float) -> Float, c: (Int32, UnsafeMutablePointer<Float>, Int) -> Void,
               file: StaticString = #filePath, line: UInt = #line) {
        let xs = Self.inputs()
        let expected = xs.map(swift)
        for isa in 0...palm_kernels_isa() {
            var ys = xs
            ys.withUnsafeMutableBufferPointer { c(isa, $0.baseAddress!, $0.count) }
            var differing = 0, first: Int?
            for i in xs.indices where !(ys[i].bitPattern == expected[i].bitPattern || (ys[i].isNaN && expected[i].isNaN)) {
                differing += 1
                if first == nil { first = i }
            }
            print("\(name), instruction set \(isa): \(differing) of \(xs.count) differ from FastMath")
            XCTAssertEqual(differing, 0, "\(name) (instruction set \(isa)): x = \(first.map { xs[$0] } ?? 0) gives \(first.map { ys[$0] } ?? 0), FastMath \(first.map { expected[$0] } ?? 0)",
                           file: file, line: line)
        }
    }

    func testGELU() {
        check("gelu", swift: FastMath.gelu) { palm_gelu_f32_isa($0, $1, $2) }
    }

    func testQuickGELU() {
        check("quickGelu", swift: FastMath.quickGelu) { palm_quick_gelu_f32_isa($0, $1, $2) }
    }

    func testTanhGELU() {
        check("geluTanh", swift: FastMath.geluTanh) { palm_gelu_tanh_f32_isa($0, $1, $2) }
    }

    func testSoftmaxExponent() {
        for shift: Float in [0, 3.5, -2, 90] {
            check("exp(x - \(shift))", swift: { FastMath.expNonPositive($0 - shift) }) { palm_exp_shifted_f32_isa($0, $1, $2, shift) }
        }
    }

    /// The dispatching entry points run the widest version (softmax rows sum to one through them).
    func testSoftmaxRowThroughTheKernel() {
        var row: [Float] = (0..<37).map { Float($0) * 0.37 - 5 } + [-.infinity]
        row.withUnsafeMutableBufferPointer { FastMath.softmaxRow($0.baseAddress!, count: $0.count) }
        XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertEqual(row.last, 0)
        XCTAssertFalse(FastMath.kernelInstructionSet.isEmpty)
    }
}
