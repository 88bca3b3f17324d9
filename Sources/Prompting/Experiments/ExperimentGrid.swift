import Foundation
import Models
import Support
import Tensor

/// One dataset of an experiment: its classes, its folds and, per (fold, shots, seed), the
/// few-shot training features and the full test features (from the feature store).
public protocol ExperimentData {
    var name: String { get }
    var classNames: [String] { get }
    /// Fold numbers (`[1, ..., k]`), or `[0]` for a single train/test split.
    var folds: [Int] { get }
    func features(fold: Int, shots: Int, seed: UInt64) throws -> (train: FeatureSet, test: FeatureSet)
}

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

/// Datasets x methods x seeds x folds x shots, trained and evaluated through the one trainer.
/// After every cell the records are rewritten atomically (`results.json`, `results.csv`,
/// `table.md`), so an interrupted grid resumes, skipping finished cells.
public struct ExperimentGrid {
    public var model: AudioLanguageModel
    public var datasets: [ExperimentData]
    public var methods: [String]
    public var seeds: [UInt64]
    public var shots: Int
    /// Overrides the methods' default epoch count when set.
    public var epochs: Int?
    public var outputDirectory: String?
    /// Checked between cells and at training batch boundaries.
    public var shouldStop: () -> Bool = { false }
    /// Progress lines ("ESC50 fold 1 palm seed 0: 0.953").
    public var log: (String) -> Void = { print($0) }

    public init(model: AudioLanguageModel, datasets: [ExperimentData], methods: [String], seeds: [UInt64], shots: Int,
                epochs: Int? = nil, outputDirectory: String? = nil) {
        self.model = model; self.datasets = datasets; self.methods = methods; self.seeds = seeds; self.shots = shots
        self.epochs = epochs; self.outputDirectory = outputDirectory
    }

    /// Runs every unfinished cell; returns all records (earlier runs' included).
    @discardableResult
    public func run() throws -> [ExperimentRecord] {
        let specs = try methods.map(MethodSpec.init)  // every name and setting checked before a long run
        var records = try loadRecords()
        var done = Set(records.map(\.key))
        for data in datasets {
            for fold in data.folds {
                for seed in seeds {
                    var cache: (train: FeatureSet, test: FeatureSet)?
                    for spec in specs {
                        // A seedless method (zero-shot) runs once: the paper reports it for seed 0.
                        if !spec.kind.usesSeed && seed != seeds.first { continue }
                        let method = spec.description
                        let probe = ExperimentRecord(dataset: data.name, method: method, seed: seed, fold: fold, shots: shots,
                                                     accuracy: 0, macroF1: 0, trainSeconds: 0, parameters: 0)
                        if done.contains(probe.key) { continue }
                        if shouldStop() { return records }
                        if cache == nil { cache = try data.features(fold: fold, shots: shots, seed: seed) }
                        let (train, test) = cache!
                        let learner = try spec.makeLearner(model: model, classNames: data.classNames, seed: seed)
                        var options = spec.trainingOptions(epochs: epochs)
                        options.seed = seed
                        var trainer = Trainer(options: options)
                        trainer.shouldStop = shouldStop
                        let report = try trainer.fit(learner, on: train)
                        if report.cancelled { return records }
                        let result = try Evaluator.evaluate(learner, on: test)
                        var r = probe
                        r.accuracy = result.accuracy; r.macroF1 = result.macroF1
                        r.trainSeconds = report.seconds; r.parameters = learner.parameterCount
                        records.append(r)
                        done.insert(r.key)
                        log(String(format: "%@ fold %d seed %llu %@: accuracy %.4f, macro-F1 %.4f (%.1f s)",
                                   data.name, fold, seed, method, r.accuracy, r.macroF1, r.trainSeconds))
                        try save(records)
                    }
                }
            }
        }
        return records
    }

    private func loadRecords() throws -> [ExperimentRecord] {
        guard let dir = outputDirectory else { return [] }
        let path = (dir as NSString).appendingPathComponent("results.json")
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        do {
            return try JSONDecoder().decode([ExperimentRecord].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw PromptingError.invalidData("\(path): cannot resume from it (\(error)); move it away to start afresh")
        }
    }

    private func save(_ records: [ExperimentRecord]) throws {
        guard let dir = outputDirectory else { return }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(records), to: (dir as NSString).appendingPathComponent("results.json"))
        try AtomicFile.write(Data(ResultsTable.csv(records).utf8), to: (dir as NSString).appendingPathComponent("results.csv"))
        try AtomicFile.write(Data(ResultsTable.markdown(records).utf8), to: (dir as NSString).appendingPathComponent("table.md"))
    }
}
