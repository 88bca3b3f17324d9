import Datasets
import Models

/// Any `AudioLanguageModel` as the feature store's embedder: fingerprints from its weights and
/// its preprocessing, so a cache entry is reused exactly when both are unchanged.
public struct ModelEmbedder: AudioEmbedder {
    public let model: AudioLanguageModel
    public init(_ model: AudioLanguageModel) { self.model = model }
    public var modelFingerprint: String { model.fingerprint }
    public var preprocessingFingerprint: String { model.preprocessing.fingerprint }
    public var dimension: Int { model.dimension }
    public func embed(paths: [String]) throws -> [Result<[Float], Error>] { try model.embedAudio(paths: paths) }
}
