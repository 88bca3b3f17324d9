import Tensor
import XCTest

/// Largest absolute elementwise difference (shapes must match).
public func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) vs \(b.shape)")
    return zip(a.toArray(), b.toArray()).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
}

/// Cosine similarity of two tensors seen as flat vectors (computed in double).
public func flatCosine(_ a: Tensor, _ b: Tensor) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a.toArray(), b.toArray()) { dot += Double(x) * Double(y); na += Double(x * x); nb += Double(y * y) }
    return dot / Swift.max((na * nb).squareRoot(), 1e-30)
}

/// Asserts `actual` ≈ `expected` within `tolerance` (max abs difference), printing the
/// measured difference so a golden test's log shows how close the port is.
public func assertClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float, _ label: String,
                        file: StaticString = #filePath, line: UInt = #line) {
    guard actual.shape == expected.shape else {
        XCTFail("\(label): shape \(actual.shape) vs expected \(expected.shape)", file: file, line: line)
        return
    }
    let d = maxAbsDifference(actual, expected)
    print("[golden] \(label): max |diff| = \(d) (tolerance \(tolerance))")
    XCTAssertLessThanOrEqual(d, tolerance, "\(label): max |diff| \(d) exceeds \(tolerance)", file: file, line: line)
}

/// Max absolute difference and cosine similarity of two equally shaped tensors, printed, and
/// asserted against `minCosine` (golden target 0.99999) and `maxAbs`.
public func assertClose(_ got: Tensor, _ want: Tensor, _ label: String, minCosine: Double = 0.99999, maxAbs: Float,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(got.shape, want.shape, "\(label): shape", file: file, line: line)
    guard got.shape == want.shape else { return }
    let a = got.toArray(), b = want.toArray()
    var diff: Float = 0, dot = 0.0, na = 0.0, nb = 0.0
    for i in a.indices {
        diff = max(diff, abs(a[i] - b[i]))
        dot += Double(a[i]) * Double(b[i]); na += Double(a[i] * a[i]); nb += Double(b[i] * b[i])
    }
    let cosine = dot / max((na * nb).squareRoot(), 1e-30)
    print("\(label): max |diff| = \(diff), cosine = \(String(format: "%.9f", cosine)) over \(a.count) values")
    XCTAssertFalse(a.contains { !$0.isFinite }, "\(label): non-finite output", file: file, line: line)
    XCTAssertGreaterThanOrEqual(cosine, minCosine, "\(label): cosine", file: file, line: line)
    XCTAssertLessThanOrEqual(diff, maxAbs, "\(label): max abs difference", file: file, line: line)
}

/// Asserts that embeddings `got` `[n, d]`, L2-normalised row by row, match the reference's
/// normalised rows `want` within `tolerance` (the CLAP families' golden criterion); prints and
/// returns the max abs difference.
@discardableResult
public func assertNormalizedRowsMatch(_ got: Tensor, _ want: [[Float]], _ label: String, tolerance: Float = 1e-5,
                                      file: StaticString = #filePath, line: UInt = #line) throws -> Float {
    let w = try Tensor(want.flatMap { $0 }, shape: [want.count, want.first?.count ?? 0])
    let g = try got.l2Normalized(axis: -1)
    XCTAssertEqual(g.shape, w.shape, label, file: file, line: line)
    guard g.shape == w.shape else { return .nan }
    let diff = maxAbsDifference(g, w)
    print("[golden] \(label): max |diff| after L2 norm = \(diff)")
    XCTAssertLessThanOrEqual(diff, tolerance, label, file: file, line: line)
    return diff
}
