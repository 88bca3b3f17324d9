// A one-tower encoder (the demo's MiniLM and aisfx on their own) is an `AudioLanguageModel`
// with one working half, so its model spec works wherever a model is taken (`palm embed-text`,
// `palm embed-audio`, scripts). The missing half throws `MissingTower`; neither is a joint
// embedding space (that is the demo model's projection heads).

/// Asking a one-tower model for the tower it does not have.
public struct MissingTower: Error, CustomStringConvertible {
    public let model: String
    public let tower: String
    public var description: String { "\(model) is a \(tower == "audio" ? "text" : "audio")-only encoder: it has no \(tower) tower (use the demo model for both)" }
}
