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
        let learner: PromptLearner
        switch spec.name {
        case "zeroshot": learner = try ZeroShotLearner(model: model, classNames: classNames)
        case "coop": learner = try coop(conditional: false, palm: false)
        case "cocoop": learner = try coop(conditional: true, palm: false)
        case "palm": learner = try PALMLearner(model: model, classNames: classNames, seed: seed)
        case "palm-dagger": learner = try PALMLearner(textFeatures: nil, classNames: classNames, dimension: model.dimension, seed: seed)
        case "palm+coop": learner = try coop(conditional: false, palm: true)
        case "palm+cocoop": learner = try coop(conditional: true, palm: true)
        case "cocoop-dagger": learner = try FeatureFeedbackLearner(model: model, classNames: classNames, seed: seed)
        case "linear-probe": learner = LinearProbeLearner(classNames: classNames, dimension: model.dimension, seed: seed)
        case "tip-adapter": learner = try TipAdapterLearner(model: model, classNames: classNames)
        case "tip-adapter-f": learner = try TipAdapterLearner(model: model, classNames: classNames, trainKeys: true)
        default: throw PromptingError.unknownMethod(method, known: all)
        }
        return learner
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
