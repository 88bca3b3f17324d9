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
