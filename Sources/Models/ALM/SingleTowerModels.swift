import Audio
import Tensor

// The demo's two encoders on their own, as `AudioLanguageModel`s with one working half, so the
// model specs `minilm[:DIR]` and `aisfx[:PATH]` work wherever a model is taken (`palm
// embed-text`, `palm embed-audio`, scripts). The missing half throws `MissingTower`; neither is
// a joint embedding space (that is the demo model's projection heads).

/// Asking a one-tower model for the tower it does not have.
public struct MissingTower: Error, CustomStringConvertible {
    public let model: String
    public let tower: String
    public var description: String { "\(model) is a \(tower == "audio" ? "text" : "audio")-only encoder: it has no \(tower) tower (use the demo model for both)" }
}

extension MiniLMTextEncoder: AudioLanguageModel {
    public var name: String { "minilm" }
    /// The token embeddings' width (384), where CoOp's context vectors live.
    public var tokenWidth: Int { dimension }
    /// Unused (no audio tower); aisfx's, the demo's audio front-end.
    public var preprocessing: PreprocessingConfig { .aisfx }
    public func embedAudio(paths: [String]) throws -> [Result<[Float], Error>] { throw MissingTower(model: name, tower: "audio") }
    /// Mean-pooled, unnormalised sentence features `[n, 384]` (callers normalise).
    public func embedText(_ texts: [String]) throws -> Tensor { try embed(texts, normalized: false) }
    public func textFeatures(tokenEmbeddings: Tensor, tokens: TokenBatch) throws -> Tensor {
        try features(tokenEmbeddings: tokenEmbeddings, tokens: tokens)
    }
}

extension AISFXAudioEncoder: AudioLanguageModel {
    public var name: String { "aisfx" }
    public var tokenWidth: Int { 0 }
    public var preprocessing: PreprocessingConfig { preprocessor.config }
    /// Clip embeddings (mean of block embeddings), one result per file; an unreadable file is a
    /// failure in its slot and the rest go on.
    public func embedAudio(paths: [String]) throws -> [Result<[Float], Error>] {
        var out: [Result<[Float], Error>] = []
        for (path, r) in zip(paths, preprocessor.featuresAll(paths, threads: 2)) {
            switch r {
            case .success(let blocks): out.append(Result { try net.clipEmbedding(blocks: blocks).toArray() })
            case .failure(let e): _ = path; out.append(.failure(e))
            }
        }
        return out
    }
    public func embedText(_ texts: [String]) throws -> Tensor { throw MissingTower(model: name, tower: "text") }
    public func tokenize(_ texts: [String]) throws -> TokenBatch { throw MissingTower(model: name, tower: "text") }
    public func tokenEmbeddings(_ tokens: TokenBatch) throws -> Tensor { throw MissingTower(model: name, tower: "text") }
    public func textFeatures(tokenEmbeddings: Tensor, tokens: TokenBatch) throws -> Tensor { throw MissingTower(model: name, tower: "text") }
}
