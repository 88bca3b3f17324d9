import Foundation
import Tensor

/// PENGI as an `AudioLanguageModel`: the encoders plus the CLIP tokenizer (max length 40,
/// padded with EOS, pooled at the first EOS as PENGI does).
public final class PENGIModel: AudioLanguageModel, @unchecked Sendable {
    public let encoders: PENGIEncoders
    public let tokenizer: CLIPTokenizer
    public let name = "pengi"
    public let fingerprint: String

    /// Loads a `.pth` or `.safetensors` checkpoint strictly (see `PENGIEncoders.init`).
    public convenience init(path: String, config: PENGIConfig = .pengiBase) throws {
        let source: TensorSource = path.hasSuffix(".safetensors") ? try SafeTensorsFile(path: path) : try PyTorchCheckpoint(path: path)
        try self.init(source: source, config: config)
    }

    public init(source: TensorSource, config: PENGIConfig = .pengiBase, tokenizer: CLIPTokenizer? = nil) throws {
        encoders = try PENGIEncoders(source: source, config: config)
        self.tokenizer = try tokenizer ?? CLIPTokenizer.bundled()
        fingerprint = try WeightFingerprint.of(source, prefix: "pengi")
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
}

/// A stable identity for a set of weights, cheap even for a 2 GB checkpoint: FNV-1a over every
/// key and shape, and over the values of the small tensors (biases, norms: at most 4096
/// elements, so only a few MB are read). Retrained weights change those values.
public enum WeightFingerprint {
    public static func of(_ source: TensorSource, prefix: String, keys: [String]? = nil) throws -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) { for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
        for key in keys ?? source.keys {
            guard let info = source.info(key), !key.hasPrefix("caption_decoder.") else { continue }
            mix(key.utf8)
            for d in info.shape { withUnsafeBytes(of: Int64(d).littleEndian) { mix($0) } }
            guard elementCount(info.shape) <= 4096 else { continue }
            for v in try source.tensor(key).toArray() { withUnsafeBytes(of: v.bitPattern.littleEndian) { mix($0) } }
        }
        return "\(prefix)-" + String(h, radix: 16)
    }
}
