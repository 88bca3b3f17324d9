import Foundation
import Models
import Tensor

/// The values of `Tests/Fixtures/checkpoints/palm-learner*.pth`, computed the way
/// `Scripts/fixtures/learner_checkpoints.py` computes them (integer arithmetic giving floats
/// float32 holds exactly), so palm's files can be compared with torch's bit for bit.
enum LearnerCheckpointFixture {
    /// n integers in [0, 2^24): the script's `pattern` (a 32-bit multiply/xor-shift hash).
    static func pattern(_ n: Int, seed: Int) -> [UInt32] {
        (0..<n).map { i in
            var m = UInt32(truncatingIfNeeded: i + 1000 * seed) &* 2_654_435_761
            m ^= m >> 15
            m = m &* 2_246_822_519
            m ^= m >> 13
            return m >> 8
        }
    }

    /// Floats in [-1, 1): `(m - 2^23) / 2^23`.
    static func signed(_ n: Int, seed: Int) -> [Float] { pattern(n, seed: seed).map { (Float(Int($0) - (1 << 23))) / Float(1 << 23) } }

    /// Floats in (0, 1]: `(m + 1) / 2^24`.
    static func positive(_ n: Int, seed: Int) -> [Float] { pattern(n, seed: seed).map { Float($0 + 1) / Float(1 << 24) } }

    /// PALM's prompt learner's state dict: `ctx` [3, 8] and `lambdas` [3].
    static func stateDict() throws -> CheckpointValue {
        .orderedDict([
            ("ctx", .tensor(try Tensor(signed(24, seed: 1), shape: [3, 8]))),
            ("lambdas", .tensor(Tensor(signed(3, seed: 2)))),
        ])
    }

    /// The reference's learner checkpoint: the state dict and PENGI's bn0 buffers.
    static func checkpoint() throws -> CheckpointValue {
        .dict([
            ("prompt_learner", try stateDict()),
            ("pengi_bn0_buffer", .dict([
                ("running_mean", .tensor(Tensor(signed(64, seed: 3)))),
                ("running_var", .tensor(Tensor(positive(64, seed: 4)))),
                ("num_batches_tracked", .int64Tensor(shape: [], values: [7])),
            ])),
        ])
    }

    /// When `PALM_CHECKPOINT_OUT` names a folder, writes `value` there as `name` too, for
    /// `python3 Scripts/fixtures/learner_checkpoints.py --verify DIR/*.pth` (torch reading
    /// palm's files; CI has no Python).
    static func keepForVerification(_ value: CheckpointValue, as name: String, zip64: PyTorchCheckpointWriter.Zip64 = .whenNeeded) throws {
        guard let out = ProcessInfo.processInfo.environment["PALM_CHECKPOINT_OUT"], !out.isEmpty else { return }
        try PyTorchCheckpointWriter.write(value, to: out + "/" + name, zip64: zip64, createDirectory: true)
        print("wrote \(out)/\(name) for learner_checkpoints.py --verify")
    }
}
