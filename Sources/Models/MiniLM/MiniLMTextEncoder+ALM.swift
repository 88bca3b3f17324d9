import Audio
import Tensor

/// all-MiniLM-L6-v2 alone: the text half of an `AudioLanguageModel` (spec `minilm[:DIR]`).
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
