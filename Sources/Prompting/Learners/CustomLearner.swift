import Tensor

/// Any differentiable logits function with its parameters: the scripting language's way to
/// define new variants (`fit(custom(logits, params: [z, lam]), ...)`).
public final class CustomLearner: PromptLearner {
    public let method: String
    public let classNames: [String]
    public let dimension: Int
    public let parameters: [(name: String, tensor: Tensor)]
    private let body: (Tensor) throws -> Tensor

    /// `body` maps audio features `[B, d]` to logits `[B, c]`; `parameters` must require grad.
    public init(method: String = "custom", classNames: [String], dimension: Int,
                parameters: [(name: String, tensor: Tensor)], logits body: @escaping (Tensor) throws -> Tensor) {
        self.method = method; self.classNames = classNames; self.dimension = dimension
        self.parameters = parameters; self.body = body
    }

    public func logits(_ audio: Tensor) throws -> Tensor {
        try checkDimension(audio)
        let out = try body(audio)
        guard out.shape == [audio.shape[0], classNames.count] else {
            throw PromptingError.invalidData("custom logits returned \(shapeString(out.shape)), expected [\(audio.shape[0]), \(classNames.count)]")
        }
        return out
    }
}
