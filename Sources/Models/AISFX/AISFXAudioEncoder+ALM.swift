import Audio
import Tensor

/// aisfx alone: the audio half of an `AudioLanguageModel` (spec `aisfx[:PATH]`).
extension AISFXAudioEncoder: AudioLanguageModel {
    public var name: String { "aisfx" }
    public var tokenWidth: Int { 0 }
    public var preprocessing: PreprocessingConfig { preprocessor.config }
    /// Clip embeddings (mean of block embeddings), one result per file; an unreadable file is a
    /// failure in its slot and the rest go on.
    public func embedAudio(paths: [String]) throws -> [Result<[Float], Error>] {
        try embedAudio(paths: paths, statistics: nil)
    }
    public func withPreprocessing(_ preprocessing: PreprocessingConfig) throws -> AudioLanguageModel {
        AISFXAudioEncoder(sharing: self, preprocessing: preprocessing)
    }
    public func embedText(_ texts: [String]) throws -> Tensor { throw MissingTower(model: name, tower: "text") }
    public func tokenize(_ texts: [String]) throws -> TokenBatch { throw MissingTower(model: name, tower: "text") }
    public func tokenEmbeddings(_ tokens: TokenBatch) throws -> Tensor { throw MissingTower(model: name, tower: "text") }
    public func textFeatures(tokenEmbeddings: Tensor, tokens: TokenBatch) throws -> Tensor { throw MissingTower(model: name, tower: "text") }
}
