import Models
import Tensor

/// PALM (Hanif et al., EMNLP 2024): prompt learning in the text encoder's *output* space, as
/// the reference code (`palm/palm.py`) computes it. Per class i, with `t_hat_i` the
/// L2-normalised text embedding of the bare class name:
/// `t'_i = normalize((1 - s(l_i)) t_hat_i + s(l_i) z_i)`, logits `100 a_hat . t'^T`.
/// The text features are normalised *before* the mix: PENGI's raw projections have norm ~32,
/// which would drown `z` (norm ~0.6 at init). `t_hat` is computed once and never on the tape;
/// `z ~ N(0, 0.02)`, raw lambda `~ U[0, 1)` as the reference initialises them. c (d + 1)
/// parameters.
///
/// `textFeatures: nil` gives PALM-dagger (Table 4): logits from `z` alone.
public final class PALMLearner: PromptLearner {
    public let method: String
    public let classNames: [String]
    /// Frozen class-name embeddings `[c, d]`, L2-normalised (nil for PALM-dagger).
    public let textFeatures: Tensor?
    public let z: Tensor
    public let rawLambda: Tensor
    /// The reference's state names: `ctx` (z) and `lambdas` (raw lambda).
    public var parameters: [(name: String, tensor: Tensor)] {
        textFeatures == nil ? [("ctx", z)] : [("ctx", z), ("lambdas", rawLambda)]
    }
    public var dimension: Int { z.shape[1] }

    /// The training run that makes the text features while training, when the model's encoders
    /// run in the reference's train mode (their projection drops out, so the reference recomputes
    /// the class features every batch); nil otherwise.
    var trainingRun: TrainingRun?

    /// PALM on `model`'s embeddings of the bare class names.
    public convenience init(model: AudioLanguageModel, classNames: [String], seed: UInt64 = 0) throws {
        let t = try model.embedText(PALMLearner.prompts(classNames))
        try self.init(textFeatures: t, classNames: classNames, seed: seed)
        trainingRun = model as? TrainingRun
    }

    /// PALM's text input: the class name alone.
    static func prompts(_ classNames: [String]) -> [String] { classNames.map { PromptTemplate.fill(PromptTemplate.className, $0) } }

    /// The normalised class-name features of this forward pass: train-mode ones while a
    /// training run trains, else the frozen ones.
    func currentTextFeatures() throws -> Tensor? {
        if let run = trainingRun, run.isTraining, textFeatures != nil { return try run.embedText(PALMLearner.prompts(classNames)).l2Normalized() }
        return textFeatures
    }

    /// PALM from precomputed text features (normalised here; `nil`: PALM-dagger with dimension
    /// `dimension`).
    public init(textFeatures: Tensor?, classNames: [String], dimension: Int? = nil, seed: UInt64 = 0) throws {
        guard let d = textFeatures?.shape.last ?? dimension else {
            throw PromptingError.invalidData("PALM-dagger needs the feature dimension")
        }
        if let t = textFeatures, t.shape != [classNames.count, d] {
            throw PromptingError.invalidData("text features \(shapeString(t.shape)) do not match \(classNames.count) classes")
        }
        self.textFeatures = try textFeatures?.l2Normalized().detached()
        self.classNames = classNames
        method = textFeatures == nil ? "palm-dagger" : "palm"
        var g = SeededGenerator(seed: seed)
        z = Tensor.normal([classNames.count, d], std: 0.02, generator: &g).requiringGrad()
        rawLambda = Tensor.uniform([classNames.count], generator: &g).requiringGrad()
    }

    /// The mixed class embeddings `t'` `[c, d]`, normalised.
    public func classEmbeddings() throws -> Tensor {
        guard let t = try currentTextFeatures() else { return try z.l2Normalized() }
        return try PALMLearner.mix(normalizedText: t, z: z, rawLambda: rawLambda)
    }

    /// `normalize((1 - s(l)) t_hat + s(l) z)` with one lambda per class (row); `t_hat` is
    /// already L2-normalised (`[c, d]` or `[B, c, d]`).
    static func mix(normalizedText t: Tensor, z: Tensor, rawLambda: Tensor) throws -> Tensor {
        let lam = try rawLambda.sigmoid().unsqueeze(-1)
        return try ((1 - lam) * t + lam * z).l2Normalized()
    }

    public func logits(_ audio: Tensor) throws -> Tensor {
        try checkDimension(audio)
        return try audio.l2Normalized().matmul(classEmbeddings().T) * logitScale
    }
}

extension PALMLearner {
    public static let kind = LearnerKind(
        name: "palm",
        summary: "PALM: class text features mixed with learned vectors z by a per-class gate lambda, in the text encoder's output space",
        parameters: "c·(d+1)", count: { s, _ in s.classes * (s.dimension + 1) }) { c in
        try PALMLearner(model: c.model, classNames: c.classNames, seed: c.seed)
    }

    /// Table 4's PALM-dagger: the text features removed, logits from z alone.
    public static let daggerKind = LearnerKind(
        name: "palm-dagger",
        summary: "PALM-dagger (Table 4): PALM without text features, logits from the learned class vectors z alone",
        parameters: "c·d", count: { s, _ in s.classes * s.dimension }) { c in
        try PALMLearner(textFeatures: nil, classNames: c.classNames, dimension: c.model.dimension, seed: c.seed)
    }
}

extension PALMLearner {
    /// PALM keeps each trained class's z and lambda. A novel class has neither, so its class
    /// embedding is its plain text feature (lambda = 0). PALM-dagger has no text feature to
    /// mix: a novel class's vector is its class-name text feature in place of a learned z.
    public func transferred(to classNames: [String], model: AudioLanguageModel) throws -> ClassTransfer {
        let map = ClassCorrespondence(trained: self.classNames, new: classNames)
        let text = try model.embedText(PALMLearner.prompts(classNames))
        guard textFeatures != nil else {
            let out = try PALMLearner(textFeatures: nil, classNames: classNames, dimension: dimension)
            let normalized = try text.l2Normalized().contiguous()
            try map.carry(z, into: out.z) { i in Array(UnsafeBufferPointer(start: normalized.pointer + i * self.dimension, count: self.dimension)) }
            return ClassTransfer(learner: out, novelClasses: map.novel,
                                 fallback: "\(method): novel classes use their class-name text feature in place of a learned vector z")
        }
        let out = try PALMLearner(textFeatures: text, classNames: classNames)
        try map.carry(z, into: out.z) { _ in Array(repeating: 0, count: self.dimension) }
        try map.carry(rawLambda, into: out.rawLambda) { _ in [noMix] }
        return ClassTransfer(learner: out, novelClasses: map.novel, fallback: "\(method): novel classes use the plain text feature (lambda = 0)")
    }
}
