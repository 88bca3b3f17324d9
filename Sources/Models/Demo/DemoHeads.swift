import Foundation
import Tensor

/// The demo model's two projection heads: linear maps from the aisfx audio embedding (512-d,
/// standardised with the alignment corpus's per-dimension mean and deviation) and from the
/// L2-normalised MiniLM sentence embedding (384-d) into one joint space of width `d`.
///
/// They are trained by `Stdlib/demo_align.palm` (symmetric InfoNCE over label captions) and
/// stored as `.safetensors`: tensors `audio.mean [512]`, `audio.std [512]`, `audio.weight
/// [d, 512]`, `audio.bias [d]`, `text.weight [d, 384]`, `text.bias [d]`, and metadata
/// `audio_encoder` / `text_encoder` holding the fingerprints of the encoders they were trained
/// on (heads are meaningless on other weights, so loading checks them).
public final class DemoHeads: @unchecked Sendable {
    public let audioMean: Tensor, audioStd: Tensor, audioWeight: Tensor, audioBias: Tensor
    public let textWeight: Tensor, textBias: Tensor
    /// Fingerprints of the encoders the heads were trained for.
    public let audioEncoder: String, textEncoder: String
    /// Everything the file's metadata says (how it was trained).
    public let metadata: [String: String]
    /// Identifies these heads (`demoheads-<hash>`).
    public let fingerprint: String
    /// Where they were read from.
    public let path: String

    /// Joint dimension d.
    public var dimension: Int { audioWeight.shape[0] }

    /// The tensor names a heads file holds.
    public static let keys = ["audio.mean", "audio.std", "audio.weight", "audio.bias", "text.weight", "text.bias"]

    /// Reads heads from `path`, checking every tensor's presence and shape and both
    /// fingerprints in the metadata; errors name the file and the key.
    public init(path: String, audioWidth: Int = 512, textWidth: Int = 384) throws {
        let file = try SafeTensorsFile(path: path)
        func need(_ key: String) throws -> Tensor {
            guard file.info(key) != nil else {
                throw CheckpointError.unreadable(path: path, reason: "missing tensor '\(key)' (a demo heads file holds \(DemoHeads.keys.joined(separator: ", ")))")
            }
            return try file.tensor(key)
        }
        audioMean = try need("audio.mean"); audioStd = try need("audio.std")
        audioWeight = try need("audio.weight"); audioBias = try need("audio.bias")
        textWeight = try need("text.weight"); textBias = try need("text.bias")
        let d = audioWeight.shape.first ?? 0
        let expected: [(String, Tensor, [Int])] = [
            ("audio.mean", audioMean, [audioWidth]), ("audio.std", audioStd, [audioWidth]),
            ("audio.weight", audioWeight, [d, audioWidth]), ("audio.bias", audioBias, [d]),
            ("text.weight", textWeight, [d, textWidth]), ("text.bias", textBias, [d]),
        ]
        for (key, t, shape) in expected where t.shape != shape {
            throw CheckpointError.unreadable(path: path, reason: "tensor '\(key)' has shape \(t.shape), expected \(shape)")
        }
        guard let a = file.metadata["audio_encoder"], let t = file.metadata["text_encoder"] else {
            throw CheckpointError.unreadable(path: path, reason: "metadata lacks 'audio_encoder' / 'text_encoder' (the fingerprints of the encoders the heads were trained for)")
        }
        audioEncoder = a; textEncoder = t
        metadata = file.metadata
        fingerprint = try WeightFingerprint.of(file, prefix: "demoheads")
        self.path = path
    }

    /// The heads that ship with palm (`Sources/Models/Resources/demo-heads.safetensors`).
    public static func bundledPath() -> String? {
        Bundle.module.url(forResource: "demo-heads", withExtension: "safetensors", subdirectory: "Resources")?.path
    }

    /// Joint-space audio embeddings `[n, d]` from aisfx clip embeddings `[n, 512]`.
    public func projectAudio(_ x: Tensor) throws -> Tensor {
        try ((x - audioMean) / audioStd).linear(weight: audioWeight, bias: audioBias)
    }

    /// Joint-space text embeddings `[n, d]` from MiniLM mean-pooled features `[n, 384]`
    /// (normalised first, as MiniLM's own last step does). Differentiable in `x`.
    public func projectText(_ x: Tensor) throws -> Tensor {
        try x.l2Normalized(axis: -1).linear(weight: textWeight, bias: textBias)
    }
}
