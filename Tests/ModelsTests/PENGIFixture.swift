import Foundation
import Tensor
import XCTest
import Models
import TestSupport

/// The golden fixtures written by `Scripts/fixtures/pengi.py` (random weights, PyTorch outputs).
enum PENGIFixture {
    static let directory = Fixtures.root

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

