import Foundation
import XCTest
import Models

/// Random byte corruption of a real torch checkpoint must end in a thrown `CheckpointError` or
/// a successful read, never a crash: a checkpoint is untrusted input.
final class CheckpointCorruptionTests: XCTestCase {
    func testCorruptedCheckpointsThrowOrLoadButNeverCrash() throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ModelsFixtures.path("checkpoints/dtypes.pth"))))
        let path = ModelsFixtures.temporary("corrupt.pth")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // fixed seed: a failure reproduces
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var thrown = 0, loaded = 0
        for _ in 0..<400 {
            var bytes = original
            for _ in 0..<(1 + next() % 4) {
                let i = next() % bytes.count
                // Mix plain flips with the values that break length fields.
                switch next() % 3 {
                case 0: bytes[i] ^= UInt8(1 << (next() % 8))
                case 1: bytes[i] = 0xFF
                default: bytes[i] = UInt8(truncatingIfNeeded: next())
                }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let ck = try PyTorchCheckpoint(path: path)
                for k in ck.keys { _ = try ck.tensor(k) }
                loaded += 1
            } catch is CheckpointError {
                thrown += 1
            }
        }
        print("corruption: \(thrown) rejected with CheckpointError, \(loaded) still loadable (damage in unread bytes)")
        XCTAssertGreaterThan(thrown, 0)
    }
}
