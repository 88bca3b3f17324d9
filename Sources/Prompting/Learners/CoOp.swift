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
/// - `palm: true` adds per-class `z`, `lambda` and mixes as PALM does,
///   `normalize((1 - s(l)) t_hat + s(l) z)` with the prompts' normalised text features `t_hat`.
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
        metaNet = conditional ? MetaNet(inputDimension: model.dimension, hidden: max(1, model.dimension / 16), outputDimension: model.tokenWidth,
                                        generator: &g) : nil
        if palm {
            z = Tensor.normal([classNames.count, model.dimension], std: 0.02, generator: &g).requiringGrad()
            rawLambda = Tensor.uniform([classNames.count], generator: &g).requiringGrad()
        } else {
            z = nil; rawLambda = nil
        }
        method = (palm ? "palm+" : "") + (conditional ? "cocoop" : "coop")
    }

    /// The reference's CoOp/CoCoOp state: `ctx`, the frozen prompt buffers `sos` (start token
    /// embeddings `[c, 1, w]`) and `classes_pad` (the rest of each prompt `[c, T - 1 - n_ctx, w]`),
    /// then the meta-net's and PALM's parameters.
    public var referenceState: [(name: String, tensor: Tensor)] {
        var state: [(name: String, tensor: Tensor)] = [("ctx", prompts.context), ("sos", prompts.prefix), ("classes_pad", prompts.suffix)]
        state += metaNet?.parameters ?? []
        if let z, let rawLambda { state += [("z", z), ("lambda", rawLambda)] }
        return state
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
        let normalized = try t.l2Normalized()
        guard let z, let rawLambda else { return normalized }
        return try PALMLearner.mix(normalizedText: normalized, z: z, rawLambda: rawLambda)
    }
}

extension CoOpLearner {
    /// CoOp's prompt settings, shared by the CoOp family.
    static let contextSettings: [Setting] = [
        Setting("n_ctx", .count, default: .int(16), "number of learned context vectors"),
        Setting("position", .choice(ContextPrompts.ClassPosition.allCases.map(\.rawValue)), default: .text("end"),
                "where the class-name tokens go: end, middle or front"),
        Setting("csc", .flag, default: .flag(false), aliases: ["class_specific"], "class-specific context: one context per class instead of one shared"),
        Setting("init", .text, aliases: ["init_words"], "initialise the context from these words' token embeddings (n_ctx becomes their token count)"),
    ]

    /// `n_ctx·w`, times `c` with class-specific context.
    static func contextCount(_ s: LearnerShape, _ settings: Settings) -> Int {
        (settings.int("n_ctx") ?? 16) * s.tokenWidth * (settings.flag("csc") ? s.classes : 1)
    }

    /// The meta-net `d -> h -> w`, `h = d/16`.
    static func metaNetCount(_ s: LearnerShape) -> Int {
        let h = max(1, s.dimension / 16)
        return s.dimension * h + h + h * s.tokenWidth + s.tokenWidth
    }

    static func make(_ c: LearnerContext, conditional: Bool, palm: Bool) throws -> CoOpLearner {
        let position = c.settings.text("position").flatMap(ContextPrompts.ClassPosition.init(rawValue:)) ?? .end
        return try CoOpLearner(model: c.model, classNames: c.classNames, nCtx: c.settings.int("n_ctx") ?? 16, position: position,
                               classSpecific: c.settings.flag("csc"), initWords: c.settings.text("init"),
                               conditional: conditional, palm: palm, seed: c.seed)
    }

    public static let coopKind = LearnerKind(
        name: "coop", summary: "CoOp: learned context vectors in the text encoder's input space, trained through the text tower",
        settings: contextSettings, textTowerOnTape: true, parameters: "n_ctx·w (×c with csc)",
        count: { s, v in contextCount(s, v) }) { c in try make(c, conditional: false, palm: false) }

    public static let cocoopKind = LearnerKind(
        name: "cocoop", summary: "CoCoOp: CoOp with an audio-conditioned meta-net shifting the context per clip",
        settings: contextSettings, textTowerOnTape: true, parameters: "n_ctx·w + d·h + h + h·w + w (h = d/16)",
        count: { s, v in contextCount(s, v) + metaNetCount(s) }) { c in try make(c, conditional: true, palm: false) }

    public static let palmCoopKind = LearnerKind(
        name: "palm+coop", aliases: ["palm-coop"], summary: "PALM+CoOp (Table 4): CoOp's context and PALM's output-space mix learned jointly",
        settings: contextSettings, textTowerOnTape: true, parameters: "n_ctx·w + c·(d+1)",
        count: { s, v in contextCount(s, v) + s.classes * (s.dimension + 1) }) { c in try make(c, conditional: false, palm: true) }

    public static let palmCocoopKind = LearnerKind(
        name: "palm+cocoop", aliases: ["palm-cocoop"], summary: "PALM+CoCoOp (Table 4): CoCoOp's context and meta-net and PALM's mix learned jointly",
        settings: contextSettings, textTowerOnTape: true, parameters: "n_ctx·w + d·h + h + h·w + w + c·(d+1)",
        count: { s, v in contextCount(s, v) + metaNetCount(s) + s.classes * (s.dimension + 1) }) { c in try make(c, conditional: true, palm: true) }
}

extension CoOpLearner {
    /// The shared context and the meta-net do not depend on the class, so they carry over as
    /// they are. Class-specific context has a context per trained class: a novel class uses
    /// their mean. PALM's z and lambda are per class: a novel class keeps its prompt's text
    /// feature unmixed (lambda = 0).
    public func transferred(to classNames: [String], model: AudioLanguageModel) throws -> ClassTransfer {
        let map = ClassCorrespondence(trained: self.classNames, new: classNames)
        let classSpecific = prompts.context.rank == 3
        let out = try CoOpLearner(model: model, classNames: classNames, nCtx: prompts.nCtx, position: prompts.position,
                                  classSpecific: classSpecific, conditional: metaNet != nil, palm: z != nil)
        var fallbacks: [String] = []
        if classSpecific {
            let mean = try prompts.context.mean(axis: 0).contiguous()
            let width = mean.count
            try map.carry(prompts.context, into: out.prompts.context) { _ in Array(UnsafeBufferPointer(start: mean.pointer, count: width)) }
            fallbacks.append("novel classes use the mean of the learned class-specific contexts")
        } else {
            out.prompts.context.pointer.update(from: prompts.context.contiguous().pointer, count: prompts.context.count)
        }
        if let metaNet, let other = out.metaNet {
            for ((_, mine), (_, theirs)) in zip(metaNet.parameters, other.parameters) {
                theirs.pointer.update(from: mine.contiguous().pointer, count: mine.count)
            }
        }
        if let z, let rawLambda, let outZ = out.z, let outLambda = out.rawLambda {
            try map.carry(z, into: outZ) { _ in Array(repeating: 0, count: self.dimension) }
            try map.carry(rawLambda, into: outLambda) { _ in [noMix] }
            fallbacks.append("novel classes use their prompt's text feature unmixed (lambda = 0)")
        }
        return ClassTransfer(learner: out, novelClasses: map.novel,
                             fallback: fallbacks.isEmpty ? nil : "\(method): " + fallbacks.joined(separator: "; "))
    }
}
