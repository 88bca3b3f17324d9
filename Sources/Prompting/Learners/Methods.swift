import Models
import Tensor

/// Builds learners by method name, for experiment grids, the CLI and scripts.
public enum Methods {
    /// Every method name palm knows, in the order tables list them.
    public static let all = ["zeroshot", "coop", "cocoop", "palm", "palm-dagger", "palm+coop", "palm+cocoop",
                             "cocoop-dagger", "linear-probe", "tip-adapter", "tip-adapter-f"]
    /// The paper's main comparison (Table 2).
    public static let paper = ["zeroshot", "coop", "cocoop", "palm"]

    /// A fresh learner of `method` for `classNames` on `model`, initialised from `seed`.
    public static func make(_ method: String, model: AudioLanguageModel, classNames: [String], seed: UInt64) throws -> PromptLearner {
        switch method.lowercased() {
        case "zeroshot", "zero-shot": return try ZeroShotLearner(model: model, classNames: classNames)
        case "coop": return try CoOpLearner(model: model, classNames: classNames, seed: seed)
        case "cocoop": return try CoOpLearner(model: model, classNames: classNames, conditional: true, seed: seed)
        case "palm": return try PALMLearner(model: model, classNames: classNames, seed: seed)
        case "palm-dagger": return try PALMLearner(textFeatures: nil, classNames: classNames, dimension: model.dimension, seed: seed)
        case "palm+coop": return try CoOpLearner(model: model, classNames: classNames, palm: true, seed: seed)
        case "palm+cocoop": return try CoOpLearner(model: model, classNames: classNames, conditional: true, palm: true, seed: seed)
        case "cocoop-dagger": return try FeatureFeedbackLearner(model: model, classNames: classNames, seed: seed)
        case "linear-probe": return LinearProbeLearner(classNames: classNames, dimension: model.dimension, seed: seed)
        case "tip-adapter": return try TipAdapterLearner(model: model, classNames: classNames)
        case "tip-adapter-f": return try TipAdapterLearner(model: model, classNames: classNames, trainKeys: true)
        default: throw PromptingError.unknownMethod(method, known: all)
        }
    }

    /// Training options a method uses by default: the PALM recipe for all, except
    /// Tip-Adapter-F, which trains its cache with AdamW (lr 1e-3) as its paper does.
    public static func defaultOptions(for method: String) -> TrainingOptions {
        var o = TrainingOptions()
        if method == "tip-adapter-f" {
            o.optimizer = .adamw
            o.learningRate = 1e-3
            o.epochs = 20
            o.cosine = true
        }
        return o
    }
}
