import Models
import Tensor

/// CoOp and CoCoOp, optionally combined with PALM's output-space mix (Table 4's PALM+CoOp and
/// PALM+CoCoOp).
///
/// - CoOp: text features of learned-context prompts, through the text tower on the tape;
///   logits `100 a_hat . t_hat^T`.
/// - CoCoOp (`conditional: true`): a meta-net maps each normalised audio feature to a shift
///   added to every context vector, so the text tower runs once per sample (batched as one
///   pass of `B * c` prompts).
/// - `palm: true` adds per-class `z`, `lambda` and mixes `(1 - s(l)) t + s(l) z` before
///   normalising.
public final class CoOpLearner: PromptLearner {
    public let method: String
    public let prompts: ContextPrompts
    public let metaNet: MetaNet?
    public let z: Tensor?, rawLambda: Tensor?
    public var classNames: [String] { prompts.classNames }
    public var dimension: Int { prompts.model.dimension }
    public var parameters: [(name: String, tensor: Tensor)] {
        var p: [(name: String, tensor: Tensor)] = [("ctx", prompts.context)]
        p += metaNet?.parameters ?? []
        if let z, let rawLambda { p += [("z", z), ("lambda", rawLambda)] }
        return p
    }

    public init(model: AudioLanguageModel, classNames: [String], nCtx: Int = 16, position: ContextPrompts.ClassPosition = .end,
                classSpecific: Bool = false, initWords: String? = nil, conditional: Bool = false, palm: Bool = false,
                seed: UInt64 = 0) throws {
        prompts = try ContextPrompts(model: model, classNames: classNames, nCtx: nCtx, position: position,
                                     classSpecific: classSpecific, initWords: initWords, seed: seed)
        var g = SeededGenerator(seed: seed &+ 1)
        metaNet = conditional ? MetaNet(inputDimension: model.dimension, outputDimension: model.tokenWidth, generator: &g) : nil
        if palm {
            z = Tensor.normal([classNames.count, model.dimension], std: 0.02, generator: &g).requiringGrad()
            rawLambda = Tensor.uniform([classNames.count], generator: &g).requiringGrad()
        } else {
            z = nil; rawLambda = nil
        }
        method = (palm ? "palm+" : "") + (conditional ? "cocoop" : "coop")
    }

    public func logits(_ audio: Tensor) throws -> Tensor {
        try checkDimension(audio)
        let a = try audio.l2Normalized()
        let c = classNames.count
        guard let metaNet else {
            return try a.matmul(mixed(prompts.textFeatures()).T) * logitScale  // [B, c]
        }
        let b = a.shape[0]
        let t = try prompts.textFeatures(shift: metaNet(a)).reshape([b, c, dimension])  // [B, c, d]
        return try a.unsqueeze(1).matmul(mixed(t).transpose(1, 2)).squeeze(1) * logitScale
    }

    /// Normalised class embeddings, PALM-mixed when enabled (`t` is `[c, d]` or `[B, c, d]`).
    private func mixed(_ t: Tensor) throws -> Tensor {
        guard let z, let rawLambda else { return try t.l2Normalized() }
        return try PALMLearner.mix(text: t, z: z, rawLambda: rawLambda)
    }
}

/// CoCoOp-dagger (Table 4): the audio feedback is added to the text *features* instead of the
/// token inputs: `t_b = normalize(t + metanet(a_hat_b))` with frozen class-name features `t`.
public final class FeatureFeedbackLearner: PromptLearner {
    public let method = "cocoop-dagger"
    public let classNames: [String]
    public let textFeatures: Tensor
    public let metaNet: MetaNet
    public var dimension: Int { textFeatures.shape[1] }
    public var parameters: [(name: String, tensor: Tensor)] { metaNet.parameters }

    public init(textFeatures: Tensor, classNames: [String], seed: UInt64 = 0) {
        self.textFeatures = textFeatures.detached()
        self.classNames = classNames
        var g = SeededGenerator(seed: seed &+ 1)
        metaNet = MetaNet(inputDimension: textFeatures.shape[1], outputDimension: textFeatures.shape[1], generator: &g)
    }

    public convenience init(model: AudioLanguageModel, classNames: [String], seed: UInt64 = 0) throws {
        self.init(textFeatures: try model.embedText(classNames), classNames: classNames, seed: seed)
    }

    public func logits(_ audio: Tensor) throws -> Tensor {
        try checkDimension(audio)
        let a = try audio.l2Normalized()
        let t = try (textFeatures.unsqueeze(0) + metaNet(a).unsqueeze(1)).l2Normalized()  // [B, c, d]
        return try a.unsqueeze(1).matmul(t.transpose(1, 2)).squeeze(1) * logitScale
    }
}
