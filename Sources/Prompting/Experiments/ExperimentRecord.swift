import Foundation

/// The result of one grid cell.
public struct ExperimentRecord: Codable, Sendable, Equatable {
    public var dataset: String
    public var method: String
    public var seed: UInt64
    public var fold: Int
    public var shots: Int
    public var accuracy: Double
    public var macroF1: Double
    public var trainSeconds: Double
    public var parameters: Int
    /// The protocol that produced it (`ExperimentProtocol.description`: `palm`, `reference`, ...).
    public var protocolName: String
    /// What the learner was evaluated on when it is not the plain test set: `base`, `novel`,
    /// `all` or `harmonic` (base-to-novel), ...; nil for the plain test set.
    public var condition: String?
    /// What the method did that the numbers depend on, e.g. its fallback for novel classes.
    public var note: String?
    /// The model, when the grid ran several (its spec, e.g. `pengi-random:tiny:1`); nil when it
    /// ran one.
    public var model: String?

    public init(dataset: String, method: String, seed: UInt64, fold: Int, shots: Int, accuracy: Double, macroF1: Double,
                trainSeconds: Double, parameters: Int, protocolName: String = ExperimentProtocol.palm.description) {
        self.dataset = dataset; self.method = method; self.seed = seed; self.fold = fold; self.shots = shots
        self.accuracy = accuracy; self.macroF1 = macroF1; self.trainSeconds = trainSeconds; self.parameters = parameters
        self.protocolName = protocolName
    }

    /// Identity of the result: its cell's, and the condition when there is one.
    public var key: String {
        cellKey(dataset: dataset, method: method, seed: seed, fold: fold, shots: shots, protocolName: protocolName)
            + (model.map { "|model=" + $0 } ?? "") + (condition.map { "|" + $0 } ?? "")
    }

    /// The dataset, the model when the grid ran several (`ESC50 · pengi:base.pth`), and the
    /// condition in brackets when there is one: a table row.
    public var row: String { dataset + (model.map { " · \($0)" } ?? "") + (condition.map { " [\($0)]" } ?? "") }

    enum CodingKeys: String, CodingKey {
        case dataset, method, seed, fold, shots, accuracy, macroF1, trainSeconds, parameters, condition, note, model
        case protocolName = "protocol"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dataset = try c.decode(String.self, forKey: .dataset)
        method = try c.decode(String.self, forKey: .method)
        seed = try c.decode(UInt64.self, forKey: .seed)
        fold = try c.decode(Int.self, forKey: .fold)
        shots = try c.decode(Int.self, forKey: .shots)
        accuracy = try c.decode(Double.self, forKey: .accuracy)
        macroF1 = try c.decode(Double.self, forKey: .macroF1)
        trainSeconds = try c.decode(Double.self, forKey: .trainSeconds)
        parameters = try c.decode(Int.self, forKey: .parameters)
        // Results written before protocols were recorded came from palm's.
        protocolName = try c.decodeIfPresent(String.self, forKey: .protocolName) ?? ExperimentProtocol.palm.description
        condition = try c.decodeIfPresent(String.self, forKey: .condition)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        model = try c.decodeIfPresent(String.self, forKey: .model)
    }
}

/// `dataset|method|seed|fold|shots`, with `|protocol` when it is not palm's.
func cellKey(dataset: String, method: String, seed: UInt64, fold: Int, shots: Int, protocolName: String) -> String {
    "\(dataset)|\(method)|\(seed)|\(fold)|\(shots)" + (protocolName == ExperimentProtocol.palm.description ? "" : "|" + protocolName)
}

/// What one cell predicted for every test clip: the material of confusion matrices,
/// significance tests and comparisons with the reference, clip by clip.
public struct CellPredictions: Codable, Sendable, Equatable {
    public var dataset: String
    public var method: String
    public var seed: UInt64
    public var fold: Int
    public var shots: Int
    /// Class names in label order.
    public var classNames: [String]
    /// The file of each test clip (empty strings when unknown).
    public var paths: [String]
    /// True and predicted class of each clip.
    public var labels: [Int]
    public var predicted: [Int]
    /// The protocol of its record.
    public var protocolName: String = ExperimentProtocol.palm.description
    /// The condition of its record (nil: the plain test set).
    public var condition: String? = nil
    /// The model of its record (nil when the grid ran one).
    public var model: String? = nil

    /// The identity of its record.
    public var key: String {
        cellKey(dataset: dataset, method: method, seed: seed, fold: fold, shots: shots, protocolName: protocolName)
            + (model.map { "|model=" + $0 } ?? "") + (condition.map { "|" + $0 } ?? "")
    }
}

/// A grid's records with the predictions behind them.
public struct ExperimentOutcome: Sendable {
    public var records: [ExperimentRecord]
    public var predictions: [CellPredictions]

    public init(records: [ExperimentRecord], predictions: [CellPredictions]) {
        self.records = records
        self.predictions = predictions
    }

    /// The summed evaluation of `method`'s cells (on `dataset` only when given): its confusion
    /// matrix over every fold and seed.
    public func evaluation(method: String, dataset: String? = nil) -> EvaluationResult? {
        // A base-to-novel cell's base and novel predictions cover other class lists than its `all`.
        let cells = predictions.filter { $0.method == method && (dataset == nil || $0.dataset == dataset) && ($0.condition == nil || $0.condition == "all") }
        guard let first = cells.first, cells.allSatisfy({ $0.classNames == first.classNames }) else { return nil }
        return Evaluator.metrics(predictions: cells.flatMap(\.predicted), labels: cells.flatMap(\.labels), classNames: first.classNames)
    }
}
