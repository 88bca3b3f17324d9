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
