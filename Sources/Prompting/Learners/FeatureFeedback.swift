import Models
import Tensor

/// CoCoOp-dagger and PALM+CoCoOp-dagger (Table 4): the audio feedback of CoCoOp is added to the
/// text *features* instead of the text encoder's input, so no text tower runs on the tape.
/// As the PALM authors' `palm_audio_and_text` computes PALM+CoCoOp-dagger:
/// - `u = t_hat` (CoCoOp-dagger), or PALM's mix `u = normalize((1 - s(l)) t_hat + s(l) z)`;
/// - per clip `u_b = normalize(u + metanet(a_hat_b))`, logits `100 a_hat_b . u_b^T`;
/// - the meta-net is `Linear(d, d/2)`, ReLU, `Linear(d/2, d)` (1024 -> 512 -> 1024 on PENGI)
///   with PyTorch's default `nn.Linear` initialisation;
/// - `t_hat` is the normalised text feature of the bare class name, as in PALM.
/// State names are the reference's: `ctx` and `lambdas` (PALM's z and raw lambda),
/// `meta_net.linear1.*`, `meta_net.linear2.*`.
public final class FeatureFeedbackLearner: PromptLearner {
    public let method: String
    public let classNames: [String]
    /// Normalised class-name text features `[c, d]`.
    public let textFeatures: Tensor
    public let metaNet: MetaNet
    /// PALM's parameters (PALM+CoCoOp-dagger), else nil.
    public let z: Tensor?, rawLambda: Tensor?
    public var dimension: Int { textFeatures.shape[1] }
    public var parameters: [(name: String, tensor: Tensor)] {
        (z.map { [("ctx", $0)] } ?? []) + (rawLambda.map { [("lambdas", $0)] } ?? []) + metaNet.parameters
    }

    public init(textFeatures: Tensor, classNames: [String], palm: Bool = false, seed: UInt64 = 0) throws {
        let d = textFeatures.shape[1]
        self.textFeatures = try textFeatures.l2Normalized().detached()
        self.classNames = classNames
        var g = SeededGenerator(seed: seed)
        if palm {
            z = Tensor.normal([classNames.count, d], std: 0.02, generator: &g).requiringGrad()
            rawLambda = Tensor.uniform([classNames.count], generator: &g).requiringGrad()
        } else {
            z = nil; rawLambda = nil
        }
        metaNet = MetaNet(inputDimension: d, hidden: max(1, d / 2), outputDimension: d, generator: &g)
        method = palm ? FeatureFeedbackLearner.palmKind.name : FeatureFeedbackLearner.kind.name
    }

    /// The training run that recomputes the text features while training (see `PALMLearner`).
    var trainingRun: TrainingRun?

    public convenience init(model: AudioLanguageModel, classNames: [String], palm: Bool = false, seed: UInt64 = 0) throws {
        try self.init(textFeatures: try model.embedText(PALMLearner.prompts(classNames)), classNames: classNames, palm: palm, seed: seed)
        trainingRun = model as? TrainingRun
    }

    public func logits(_ audio: Tensor) throws -> Tensor {
        try checkDimension(audio)
        let a = try audio.l2Normalized()
        var t = textFeatures
        if let run = trainingRun, run.isTraining { t = try run.embedText(PALMLearner.prompts(classNames)).l2Normalized() }
        var u = t
        if let z, let rawLambda { u = try PALMLearner.mix(normalizedText: t, z: z, rawLambda: rawLambda) }
        let shifted = try (u.unsqueeze(0) + metaNet(a).unsqueeze(1)).l2Normalized()  // [B, c, d]
        return try a.unsqueeze(1).matmul(shifted.transpose(1, 2)).squeeze(1) * logitScale
    }
}

extension FeatureFeedbackLearner {
    /// The meta-net `d -> d/2 -> d`.
    static func metaNetCount(_ s: LearnerShape) -> Int {
        let h = max(1, s.dimension / 2)
        return 2 * s.dimension * h + h + s.dimension
    }

    public static let kind = LearnerKind(
        name: "cocoop-dagger", summary: "CoCoOp-dagger (Table 4): a meta-net shifts the normalised class-name text features per clip (no text tower on the tape)",
        parameters: "2·d·h + h + d (h = d/2)", count: { s, _ in metaNetCount(s) }) { c in
        try FeatureFeedbackLearner(model: c.model, classNames: c.classNames, seed: c.seed)
    }

    public static let palmKind = LearnerKind(
        name: "palm+cocoop-dagger", aliases: ["palm-cocoop-dagger"],
        summary: "PALM+CoCoOp-dagger (Table 4): PALM's mix, then a meta-net shifting it per clip, as the authors' palm_audio_and_text",
        parameters: "c·(d+1) + 2·d·h + h + d (h = d/2)", count: { s, _ in s.classes * (s.dimension + 1) + metaNetCount(s) }) { c in
        try FeatureFeedbackLearner(model: c.model, classNames: c.classNames, palm: true, seed: c.seed)
    }
}

extension FeatureFeedbackLearner {
    /// The meta-net does not depend on the class and carries over; with PALM, a novel class
    /// keeps its text feature unmixed (lambda = 0) before the meta-net's shift.
    public func transferred(to classNames: [String], model: AudioLanguageModel) throws -> ClassTransfer {
        let map = ClassCorrespondence(trained: self.classNames, new: classNames)
        let out = try FeatureFeedbackLearner(model: model, classNames: classNames, palm: z != nil)
        for ((_, mine), (_, theirs)) in zip(metaNet.parameters, out.metaNet.parameters) {
            theirs.pointer.update(from: mine.contiguous().pointer, count: mine.count)
        }
        guard let z, let rawLambda, let outZ = out.z, let outLambda = out.rawLambda else {
            return ClassTransfer(learner: out, novelClasses: map.novel, fallback: nil)
        }
        try map.carry(z, into: outZ) { _ in Array(repeating: 0, count: self.dimension) }
        try map.carry(rawLambda, into: outLambda) { _ in [noMix] }
        return ClassTransfer(learner: out, novelClasses: map.novel,
                             fallback: "\(method): novel classes use the plain text feature (lambda = 0) before the meta-net's shift")
    }
}
