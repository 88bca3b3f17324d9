import Models
import Tensor

/// Frozen audio features of a set of clips with their labels (indices into `classNames`).
public struct FeatureSet {
    /// `[N, d]` unnormalised audio embeddings.
    public var features: Tensor
    public var labels: [Int]
    public var classNames: [String]
    /// The file of each row, when known (per-clip predictions name them); else empty.
    public var paths: [String]

    public init(features: Tensor, labels: [Int], classNames: [String], paths: [String] = []) throws {
        guard features.rank == 2, features.shape[0] == labels.count else {
            throw PromptingError.invalidData("features \(shapeString(features.shape)) do not match \(labels.count) labels (expected [N, d])")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= classNames.count }) {
            throw PromptingError.invalidData("label \(bad) is outside the \(classNames.count) classes")
        }
        guard paths.isEmpty || paths.count == labels.count else {
            throw PromptingError.invalidData("\(paths.count) paths for \(labels.count) clips")
        }
        self.features = features; self.labels = labels; self.classNames = classNames; self.paths = paths
    }

    public var count: Int { labels.count }
    public var dimension: Int { features.shape[1] }

    /// The rows at `indices`.
    public func subset(_ indices: [Int]) throws -> FeatureSet {
        try FeatureSet(features: features.indexSelect(axis: 0, indices: indices), labels: indices.map { labels[$0] }, classNames: classNames,
                       paths: paths.isEmpty ? [] : indices.map { paths[$0] })
    }
}

/// Errors of learners, training and evaluation; each says what was expected.
public enum PromptingError: Error, CustomStringConvertible, Equatable {
    case invalidData(String)
    case missingClasses([String])
    case unknownClasses([String])
    case dimensionMismatch(expected: Int, found: Int, what: String)
    case nonFiniteLoss(epoch: Int, batch: Int)
    case unknownMethod(String, known: [String], suggestion: String? = nil)

    public var description: String {
        switch self {
        case let .invalidData(m): return "invalid data: \(m)"
        case let .missingClasses(c): return "the training set has no example of \(c.count) class(es): \(c.joined(separator: ", "))"
        case let .unknownClasses(c): return "the data has class(es) the learner does not know: \(c.joined(separator: ", "))"
        case let .dimensionMismatch(e, f, w): return "\(w): feature dimension \(f) does not match the model's \(e)"
        case let .nonFiniteLoss(epoch, batch): return "training diverged: the loss is NaN or infinite at epoch \(epoch), batch \(batch) (try a lower learning rate)"
        case let .unknownMethod(m, known, suggestion):
            return "unknown method '\(m)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "") + "; known: \(known.joined(separator: ", "))"
        }
    }
}

/// A few-shot learner over frozen audio features: produces class logits for a batch of audio
/// embeddings. Every method of the paper (and new variants) conforms.
public protocol PromptLearner: AnyObject {
    /// Method name as in tables ("palm", "coop", ...).
    var method: String { get }
    /// Class names, in label order.
    var classNames: [String] { get }
    /// Trainable parameters by name (saved to `.safetensors` under these names).
    var parameters: [(name: String, tensor: Tensor)] { get }
    /// Audio embedding dimension expected by `logits`.
    var dimension: Int { get }
    /// Logits `[B, c]` for unnormalised audio features `[B, d]`.
    func logits(_ audio: Tensor) throws -> Tensor
    /// Called once with the training set before the first epoch (Tip-Adapter builds its cache
    /// here). Default: nothing.
    func prepare(training: FeatureSet) throws
    /// The learner as the PALM reference's `prompt_learner.state_dict()`: its parameters and
    /// the buffers the reference keeps beside them (CoOp's `sos` and `classes_pad`), under the
    /// reference's names. Default: `parameters`.
    var referenceState: [(name: String, tensor: Tensor)] { get }
    /// This trained learner for another list of classes (base-to-novel, cross-dataset): what it
    /// learned is kept, and the classes it has no parameters for get a named fallback (see
    /// `ClassTransfer`). Default: an error naming the method.
    func transferred(to classNames: [String], model: AudioLanguageModel) throws -> ClassTransfer
}

extension PromptLearner {
    public func prepare(training: FeatureSet) throws {}

    public var referenceState: [(name: String, tensor: Tensor)] { parameters }

    public func transferred(to classNames: [String], model: AudioLanguageModel) throws -> ClassTransfer {
        throw PromptingError.invalidData("\(method) cannot be evaluated on classes other than those it was made for")
    }

    /// Loads a state written as `referenceState` (by palm or by the reference's
    /// `save_model`): every entry must be present with its shape, and nothing else may be
    /// there; errors name `source` and the key.
    public func loadReferenceState(_ state: [String: Tensor], source: String) throws {
        let mine = referenceState
        for (name, tensor) in mine {
            guard let t = state[name] else {
                throw PromptingError.invalidData("\(source): no '\(name)' for \(method) (found: \(state.keys.sorted().joined(separator: ", ")))")
            }
            guard t.shape == tensor.shape else {
                throw PromptingError.invalidData("\(source): '\(name)' has shape \(shapeString(t.shape)), \(method) expects \(shapeString(tensor.shape))")
            }
            tensor.pointer.update(from: t.contiguous().pointer, count: t.count)
        }
        let extra = Set(state.keys).subtracting(mine.map(\.name))
        guard extra.isEmpty else {
            throw PromptingError.invalidData("\(source): '\(extra.sorted().joined(separator: "', '"))' is not part of a \(method) learner")
        }
    }

    /// Number of trainable scalars (the paper's Table 3).
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.tensor.count } }

    /// Saves the learned parameters (and the method and classes as metadata) atomically.
    public func save(to path: String) throws {
        var named: [String: Tensor] = [:]
        for p in parameters { named[p.name] = p.tensor }
        try SafeTensorsFile.write(named, metadata: ["method": method, "classes": classNames.joined(separator: "\n")], to: path)
    }

    /// Loads parameters saved by `save(to:)` into this learner (names and shapes must match).
    public func load(from path: String) throws {
        let file = try SafeTensorsFile(path: path)
        if let m = file.metadata["method"], m != method {
            throw PromptingError.invalidData("\(path) holds a '\(m)' learner, not '\(method)'")
        }
        let loader = WeightLoader(file)
        for p in parameters {
            let t = try loader.tensor(p.name, shape: p.tensor.shape)
            p.tensor.pointer.update(from: t.pointer, count: t.count)
        }
        try loader.finish()
    }

    /// Checks that `audio` has this learner's feature dimension.
    func checkDimension(_ audio: Tensor) throws {
        guard audio.rank == 2, audio.shape[1] == dimension else {
            throw PromptingError.dimensionMismatch(expected: dimension, found: audio.shape.last ?? 0, what: method)
        }
    }
}

/// The fixed logit scale of every method in the reference (CLIP's exp(log 100)).
public let logitScale: Float = 100
