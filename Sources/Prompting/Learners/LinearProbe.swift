import Models
import Tensor

/// Linear probe (Table 4), as the PALM authors' `linearprobe`: `nn.Linear(d, c)` on the raw
/// (unnormalised) audio features, `logits = a W^T + b`, with PyTorch's default initialisation
/// (W and b uniform in +-1/sqrt(d)); no text encoder, no logit scale.
public final class LinearProbeLearner: PromptLearner {
    public let method = "linear-probe"
    public let classNames: [String]
    public let weight: Tensor, bias: Tensor
    public var parameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }
    public var dimension: Int { weight.shape[1] }

    public init(classNames: [String], dimension: Int, seed: UInt64 = 0) {
        self.classNames = classNames
        var g = SeededGenerator(seed: seed)
        let bound = 1 / Float(dimension).squareRoot()
        weight = Tensor.uniform([classNames.count, dimension], low: -bound, high: bound, generator: &g).requiringGrad()
        bias = Tensor.uniform([classNames.count], low: -bound, high: bound, generator: &g).requiringGrad()
    }

    public func logits(_ audio: Tensor) throws -> Tensor {
        try checkDimension(audio)
        return try audio.linear(weight: weight, bias: bias)
    }
}

extension LinearProbeLearner {
    public static let kind = LearnerKind(
        name: "linear-probe", summary: "Linear probe (Table 4): a linear classifier on the raw audio features, as the authors' linearprobe",
        parameters: "c·(d+1)", count: { s, _ in s.classes * (s.dimension + 1) }) { c in
        LinearProbeLearner(classNames: c.classNames, dimension: c.model.dimension, seed: c.seed)
    }
}

extension LinearProbeLearner {
    /// A linear probe has a weight row per class and no text: a novel class has no row, so it
    /// gets a logit of minus infinity and is never predicted (its clips count as errors).
    public func transferred(to classNames: [String], model: AudioLanguageModel) throws -> ClassTransfer {
        let map = ClassCorrespondence(trained: self.classNames, new: classNames)
        let out = LinearProbeLearner(classNames: classNames, dimension: dimension)
        try map.carry(weight, into: out.weight) { _ in Array(repeating: 0, count: self.dimension) }
        try map.carry(bias, into: out.bias) { _ in [-Float.infinity] }
        return ClassTransfer(learner: out, novelClasses: map.novel,
                             fallback: "linear-probe: no weights for novel classes, which are never predicted (their clips count as errors)")
    }
}
