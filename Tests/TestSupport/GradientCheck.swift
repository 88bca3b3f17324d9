import Tensor
import XCTest

/// Checks reverse-mode gradients against central finite differences.
///
/// `f` maps the inputs to any tensor; the checked scalar is `sum(f(x) * r)` for a fixed random
/// `r`, so every output element contributes with a distinct weight (a plain sum can hide
/// errors that cancel). Differences use step `h` in float32 on each input element; the
/// comparison allows `tolerance * max(1, |numeric|)`.
public func assertGradientsMatchFiniteDifferences(
    _ inputs: [Tensor], h: Float = 1e-2, tolerance: Float = 2e-3, _ label: String,
    file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) throws -> Tensor
) throws {
    for x in inputs { x.requiringGrad() }
    let probe = try f(inputs)
    var g = SeededGenerator(seed: 7)
    let r = Tensor.uniform(probe.shape, low: -1, high: 1, generator: &g)
    func objective() throws -> Float { try GradMode.withoutGrad { try (f(inputs) * r).sum().item() } }
    for x in inputs { x.zeroGrad() }
    try (probe * r).sum().backward()
    var worst: Float = 0
    for (n, x) in inputs.enumerated() {
        guard let analytic = x.grad?.toArray() else {
            XCTFail("\(label): input \(n) received no gradient", file: file, line: line)
            continue
        }
        XCTAssertTrue(x.isContiguous, "\(label): test inputs must be contiguous", file: file, line: line)
        for i in 0..<x.count {
            let saved = x.pointer[i]
            x.pointer[i] = saved + h
            let up = try objective()
            x.pointer[i] = saved - h
            let down = try objective()
            x.pointer[i] = saved
            let numeric = (up - down) / (2 * h)
            let err = Swift.abs(numeric - analytic[i]) / Swift.max(1, Swift.abs(numeric))
            worst = Swift.max(worst, err)
            if err > tolerance {
                XCTFail("\(label): input \(n)[\(i)] analytic \(analytic[i]) vs numeric \(numeric)", file: file, line: line)
                return
            }
        }
    }
    print("[gradcheck] \(label): worst relative error \(worst)")
}
