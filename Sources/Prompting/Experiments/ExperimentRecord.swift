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

    public init(dataset: String, method: String, seed: UInt64, fold: Int, shots: Int, accuracy: Double, macroF1: Double,
                trainSeconds: Double, parameters: Int) {
        self.dataset = dataset; self.method = method; self.seed = seed; self.fold = fold; self.shots = shots
        self.accuracy = accuracy; self.macroF1 = macroF1; self.trainSeconds = trainSeconds; self.parameters = parameters
    }

    /// Identity of the cell (for resuming).
    public var key: String { "\(dataset)|\(method)|\(seed)|\(fold)|\(shots)" }
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

    /// The cell's identity, as its record's.
    public var key: String { "\(dataset)|\(method)|\(seed)|\(fold)|\(shots)" }

    /// Accuracy, macro-F1 and the confusion matrix of these predictions.
    public var evaluation: EvaluationResult { Evaluator.metrics(predictions: predicted, labels: labels, classNames: classNames) }
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
        let cells = predictions.filter { $0.method == method && (dataset == nil || $0.dataset == dataset) }
        guard let first = cells.first, cells.allSatisfy({ $0.classNames == first.classNames }) else { return nil }
        return Evaluator.metrics(predictions: cells.flatMap(\.predicted), labels: cells.flatMap(\.labels), classNames: first.classNames)
    }
}
