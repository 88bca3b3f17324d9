import Models
import Tensor

/// Tip-Adapter (Zhang et al., ECCV 2022), a training-free cache model, and Tip-Adapter-F.
/// Keys are the normalised training features `K [N, d]`, values their one-hot labels `V [N, c]`:
/// `logits = 100 a_hat t_hat^T + alpha exp(-beta (1 - a_hat K^T)) V`.
/// Tip-Adapter-F (`trainKeys: true`) makes the keys a parameter initialised from the cache.
public final class TipAdapterLearner: PromptLearner {
    public let method: String
    public let classNames: [String]
    /// Normalised zero-shot class embeddings `[c, d]`.
    public let classEmbeddings: Tensor
    public let alpha: Float, beta: Float
    public let trainKeys: Bool
    /// The zero-shot template the class embeddings came from (nil when given as embeddings).
    public private(set) var template: String?
    public private(set) var keys: Tensor?
    private var values: Tensor?
    public var parameters: [(name: String, tensor: Tensor)] { trainKeys ? keys.map { [("cache_keys", $0)] } ?? [] : [] }
    public var dimension: Int { classEmbeddings.shape[1] }

    public init(classEmbeddings: Tensor, classNames: [String], alpha: Float = 1, beta: Float = 5.5, trainKeys: Bool = false) throws {
        self.classEmbeddings = try classEmbeddings.l2Normalized()
        self.classNames = classNames
        self.alpha = alpha; self.beta = beta; self.trainKeys = trainKeys
        method = trainKeys ? "tip-adapter-f" : "tip-adapter"
    }

    /// Tip-Adapter with zero-shot class embeddings from `model` and `template`.
    public convenience init(model: AudioLanguageModel, classNames: [String], template: String = PromptTemplate.paper,
                            alpha: Float = 1, beta: Float = 5.5, trainKeys: Bool = false) throws {
        let t = try model.embedText(classNames.map { PromptTemplate.fill(template, $0) })
        try self.init(classEmbeddings: t, classNames: classNames, alpha: alpha, beta: beta, trainKeys: trainKeys)
        self.template = template
    }

    public func prepare(training: FeatureSet) throws {
        let k = try training.features.l2Normalized().detached().copy()
        keys = trainKeys ? k.requiringGrad() : k
        let v = Tensor.zeros([training.count, classNames.count])
        for (i, l) in training.labels.enumerated() { v.pointer[i * classNames.count + l] = 1 }
        values = v
    }

    public func logits(_ audio: Tensor) throws -> Tensor {
        try checkDimension(audio)
        let a = try audio.l2Normalized()
        let zeroShot = try a.matmul(classEmbeddings.T) * logitScale
        guard let keys, let values else { return zeroShot }
        let affinity = try a.matmul(keys.T)
        let cache = try ((affinity - 1) * beta).exp().matmul(values)
        return try zeroShot + cache * alpha
    }
}

extension TipAdapterLearner {
    /// The cache keeps its (trained) keys; each cached clip votes for its class where the new
    /// list has it. A novel class has no clip in the cache, so its logit is the zero-shot one alone.
    public func transferred(to classNames: [String], model: AudioLanguageModel) throws -> ClassTransfer {
        guard let template else {
            throw PromptingError.invalidData("\(method) was made from class embeddings, not a template: it cannot embed other classes")
        }
        let map = ClassCorrespondence(trained: self.classNames, new: classNames)
        let out = try TipAdapterLearner(model: model, classNames: classNames, template: template, alpha: alpha, beta: beta, trainKeys: trainKeys)
        if let keys, let values {
            var column: [Int: Int] = [:]  // trained class -> new column
            for (i, row) in map.rows.enumerated() { if let row { column[row] = i } }
            let c = self.classNames.count, n = keys.shape[0]
            let v = Tensor.zeros([n, classNames.count])
            for r in 0..<n {
                for old in 0..<c where values.pointer[r * c + old] != 0 {
                    if let new = column[old] { v.pointer[r * classNames.count + new] = values.pointer[r * c + old] }
                }
            }
            out.keys = try keys.detached().copy()
            out.values = v
        }
        return ClassTransfer(learner: out, novelClasses: map.novel,
                             fallback: "\(method): novel classes get their zero-shot logit alone (the cache holds no clip of theirs)")
    }

    static let cacheSettings: [Setting] = [
        Setting("alpha", .number, default: .number(1), "weight of the cache logits"),
        Setting("beta", .number, default: .number(5.5), "sharpness of the cache affinities"),
    ]

    static func make(_ c: LearnerContext, trainKeys: Bool) throws -> TipAdapterLearner {
        try TipAdapterLearner(model: c.model, classNames: c.classNames, alpha: Float(c.settings.number("alpha") ?? 1),
                              beta: Float(c.settings.number("beta") ?? 5.5), trainKeys: trainKeys)
    }

    public static let kind = LearnerKind(
        name: "tip-adapter", summary: "Tip-Adapter: zero-shot plus a training-free cache of the training features",
        settings: cacheSettings, usesSeed: false, parameters: "0", count: { _, _ in 0 }) { c in try make(c, trainKeys: false) }

    /// Tip-Adapter-F trains its cache keys with its own paper's recipe: AdamW, lr 1e-3, 20
    /// epochs, cosine decay.
    public static let fineTunedKind: LearnerKind = {
        var recipe = TrainingOptions()
        recipe.optimizer = .adamw
        recipe.learningRate = 1e-3
        recipe.epochs = 20
        recipe.cosine = true
        return LearnerKind(
            name: "tip-adapter-f", summary: "Tip-Adapter-F: Tip-Adapter with the cache keys fine-tuned (AdamW, lr 1e-3, 20 epochs, cosine)",
            settings: cacheSettings, parameters: "N·d (N training clips)", count: { s, _ in s.trainingClips * s.dimension },
            training: recipe, keepsOwnEpochs: true) { c in try make(c, trainKeys: true) }
    }()
}
