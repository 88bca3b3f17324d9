import Tensor

/// Linear probe (Table 4): a linear classifier on normalised audio features,
/// `logits = 100 a_hat W^T + b`, W `~ N(0, 0.02)`, b = 0. The scale 100 puts it on the same
/// footing as the prompt learners under the shared SGD recipe (lr 0.05).
public final class LinearProbeLearner: PromptLearner {
    public let method = "linear-probe"
    public let classNames: [String]
    public let weight: Tensor, bias: Tensor
    public var parameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }
    public var dimension: Int { weight.shape[1] }

    public init(classNames: [String], dimension: Int, seed: UInt64 = 0) {
        self.classNames = classNames
        var g = SeededGenerator(seed: seed)
        weight = Tensor.normal([classNames.count, dimension], std: 0.02, generator: &g).requiringGrad()
        bias = Tensor.zeros([classNames.count]).requiringGrad()
    }

    public func logits(_ audio: Tensor) throws -> Tensor {
        try checkDimension(audio)
        return try audio.l2Normalized().matmul(weight.T) * logitScale + bias
    }
}

extension LinearProbeLearner {
    public static let kind = LearnerKind(
        name: "linear-probe", summary: "Linear probe (Table 4): a linear classifier on the normalised audio features",
        parameters: "c·(d+1)", count: { s, _ in s.classes * (s.dimension + 1) }) { c in
        LinearProbeLearner(classNames: c.classNames, dimension: c.model.dimension, seed: c.seed)
    }
}
