import Foundation
import Tensor
import XCTest
import Models

/// The golden fixtures written by `Scripts/fixtures/pengi.py` (random weights, PyTorch outputs).
enum PENGIFixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The committed tiny checkpoint and its inputs/outputs.
    static func tiny() throws -> (weights: SafeTensorsFile, io: SafeTensorsFile) {
        let dir = directory.appendingPathComponent("pengi")
        return (try SafeTensorsFile(path: dir.appendingPathComponent("tiny.safetensors").path),
                try SafeTensorsFile(path: dir.appendingPathComponent("tiny-io.safetensors").path))
    }

    /// The full-size random checkpoint (`pengi.py --full`), when `PALM_PENGI_FULL_RANDOM` is set:
    /// to the checkpoint path, or to anything else for `Tests/Fixtures/local/`.
    static func fullRandom() throws -> (weights: SafeTensorsFile, io: SafeTensorsFile)? {
        guard let env = ProcessInfo.processInfo.environment["PALM_PENGI_FULL_RANDOM"], !env.isEmpty else { return nil }
        let path = env.hasSuffix(".safetensors") ? env
            : directory.appendingPathComponent("local/pengi-base-random.safetensors").path
        let io = String(path.dropLast(".safetensors".count)) + "-io.safetensors"
        return (try SafeTensorsFile(path: path), try SafeTensorsFile(path: io))
    }

    /// Integer ids stored as I64 in the fixture.
    static func ints(_ t: Tensor) -> [Int] { t.toArray().map { Int($0) } }
}

/// Max absolute difference and cosine similarity of two equally shaped tensors, printed, and
/// asserted against `minCosine` (golden target 0.99999) and `maxAbs`.
func assertClose(_ got: Tensor, _ want: Tensor, _ label: String, minCosine: Double = 0.99999, maxAbs: Float,
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
