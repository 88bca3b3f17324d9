import Models
import Tensor

/// Builds learners by method name, for experiment grids, the CLI and scripts.
public enum Methods {
    /// Every method name palm knows, in the order tables list them.
    public static let all = ["zeroshot", "coop", "cocoop", "palm", "palm-dagger", "palm+coop", "palm+cocoop",
                             "cocoop-dagger", "linear-probe", "tip-adapter", "tip-adapter-f"]
    /// The paper's main comparison (Table 2).
    public static let paper = ["zeroshot", "coop", "cocoop", "palm"]

    /// A fresh learner of `method` (a name, or a `MethodSpec` string with settings such as
    /// `coop:n_ctx=4`) for `classNames` on `model`, initialised from `seed`.
    public static func make(_ method: String, model: AudioLanguageModel, classNames: [String], seed: UInt64) throws -> PromptLearner {
        let spec = try MethodSpec(method)
        let ctx = try spec.contextSettings()
        func coop(conditional: Bool, palm: Bool) throws -> CoOpLearner {
            try CoOpLearner(model: model, classNames: classNames, nCtx: ctx.nCtx, position: ctx.position, classSpecific: ctx.classSpecific,
                            initWords: ctx.initWords, conditional: conditional, palm: palm, seed: seed)
        }
        switch spec.name {
        case "zeroshot": return try ZeroShotLearner(model: model, classNames: classNames)
        case "coop": return try coop(conditional: false, palm: false)
        case "cocoop": return try coop(conditional: true, palm: false)
        case "palm": return try PALMLearner(model: model, classNames: classNames, seed: seed)
        case "palm-dagger": return try PALMLearner(textFeatures: nil, classNames: classNames, dimension: model.dimension, seed: seed)
        case "palm+coop": return try coop(conditional: false, palm: true)
        case "palm+cocoop": return try coop(conditional: true, palm: true)
        case "cocoop-dagger": return try FeatureFeedbackLearner(model: model, classNames: classNames, seed: seed)
        case "linear-probe": return LinearProbeLearner(classNames: classNames, dimension: model.dimension, seed: seed)
        case "tip-adapter": return try TipAdapterLearner(model: model, classNames: classNames)
        case "tip-adapter-f": return try TipAdapterLearner(model: model, classNames: classNames, trainKeys: true)
        default: throw PromptingError.unknownMethod(method, known: all)  // MethodSpec admits only `all`
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
