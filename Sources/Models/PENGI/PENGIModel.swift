import Audio
import Foundation
import Tensor

/// PENGI as an `AudioLanguageModel`: the encoders plus the CLIP tokenizer (max length 40,
/// padded with EOS, pooled at the first EOS as PENGI does).
public final class PENGIModel: AudioLanguageModel, @unchecked Sendable {
    public let encoders: PENGIEncoders
    public let tokenizer: CLIPTokenizer
    public let name = "pengi"
    public let fingerprint: String
    /// Files -> log-mels -> HTSAT batches.
    public var frontEnd: AudioFrontEnd
    public var preprocessing: PreprocessingConfig { frontEnd.preprocessing }

    /// Loads a `.pth` or `.safetensors` checkpoint strictly (see `PENGIEncoders.init`).
    public convenience init(path: String, config: PENGIConfig = .pengiBase, preprocessing: PreprocessingConfig = .pengi) throws {
        try self.init(source: CheckpointFile.open(path), config: config, preprocessing: preprocessing)
    }

    /// - Parameter preprocessing: `.pengi` (the reference's front-end, quirks included) or
    ///   `.pengiClean` (mono mean, centre crop).
    public init(source: TensorSource, config: PENGIConfig = .pengiBase, preprocessing: PreprocessingConfig = .pengi,
                tokenizer: CLIPTokenizer? = nil) throws {
        encoders = try PENGIEncoders(source: source, config: config)
        self.tokenizer = try tokenizer ?? CLIPTokenizer.bundled()
        frontEnd = AudioFrontEnd(preprocessing: preprocessing)
        fingerprint = try WeightFingerprint.of(source, prefix: "pengi")
    }

    /// The same encoders and tokenizer (shared) with another front-end.
    private init(sharing other: PENGIModel, preprocessing: PreprocessingConfig) {
        encoders = other.encoders
        tokenizer = other.tokenizer
        fingerprint = other.fingerprint
        frontEnd = other.frontEnd.with(preprocessing)
    }

    public func withPreprocessing(_ preprocessing: PreprocessingConfig) throws -> AudioLanguageModel {
        PENGIModel(sharing: self, preprocessing: preprocessing)
    }

    /// Decode + log-mel, then HTSAT + projection in batches (`frontEnd`), without the tape.
    public func embedAudio(paths: [String]) throws -> [Result<[Float], Error>] {
        try embedAudio(paths: paths, statistics: nil)
    }

    /// As `embedAudio(paths:)`, with bn0's running statistics replaced when `statistics` is given.
    func embedAudio(paths: [String], statistics: BatchNormStatistics?) throws -> [Result<[Float], Error>] {
        try frontEnd.embed(paths: paths) {
            try encoders.embedAudio(logMel: $0, statistics: statistics)
        }
    }

    public var dimension: Int { encoders.embeddingDim }
    public var tokenWidth: Int { encoders.config.text.width }

    public func tokenize(_ texts: [String]) throws -> TokenBatch {
        let t = tokenizer.tokenize(texts)
        return TokenBatch(ids: t.map(\.ids), eosPositions: t.map(\.endPosition), lengths: t.map { $0.attentionMask.reduce(0, +) })
    }

    public func embedText(_ texts: [String]) throws -> Tensor {
        try encoders.embedText(ids: tokenize(texts).ids)
    }

    public func tokenEmbeddings(_ tokens: TokenBatch) throws -> Tensor {
        try encoders.tokenEmbeddings(ids: tokens.ids)
    }

    public func textFeatures(tokenEmbeddings: Tensor, tokens: TokenBatch) throws -> Tensor {
        try encoders.textFeatures(tokenEmbeddings: tokenEmbeddings, eosPositions: tokens.eosPositions)
    }

    public func textFeatures(sharedPrefix: Tensor, suffix: Tensor, tokens: TokenBatch) throws -> Tensor {
        try encoders.textFeatures(sharedPrefix: sharedPrefix, suffix: suffix, eosPositions: tokens.eosPositions)
    }
}

/// A stable identity for a set of weights, cheap even for a 2 GB checkpoint: FNV-1a over every
/// key and shape, and over the values of the small tensors (biases, norms: at most 4096
/// elements, so only a few MB are read). Retrained weights change those values.
public enum WeightFingerprint {
    public static func of(_ source: TensorSource, prefix: String, keys: [String]? = nil) throws -> String {
        var h = FNV1a64()
        for key in keys ?? source.keys {
            guard let info = source.info(key), !key.hasPrefix("caption_decoder.") else { continue }
            h.combine(key.utf8)
            for d in info.shape { h.combine(integer: Int64(d)) }
            guard elementCount(info.shape) <= 4096 else { continue }
            for v in try source.tensor(key).toArray() { h.combine(integer: v.bitPattern) }
        }
        return "\(prefix)-" + String(h.value, radix: 16)
    }
}
