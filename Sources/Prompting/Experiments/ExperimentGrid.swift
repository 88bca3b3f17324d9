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
    /// The test part of `fold` embedded by `model` (the same encoders with other normalisation
    /// statistics, after a train-mode run).
    func testFeatures(fold: Int, model: AudioLanguageModel) throws -> FeatureSet
}

extension ExperimentData {
    public func testFeatures(fold: Int, model: AudioLanguageModel) throws -> FeatureSet {
        throw PromptingError.invalidData("\(name): these features cannot be encoded again by another model (train-mode encoders need the clips)")
    }
}

/// Datasets x methods x seeds x folds x shots, trained and evaluated through the one trainer.
/// With an output directory, every finished cell is saved at once, atomically: its predictions
/// in `predictions/<cell>.json`, then `results.json`, `results.csv`, `table.md` and
/// `predictions.csv` rewritten, so an interrupted grid resumes, skipping finished cells.
public struct ExperimentGrid {
    public var model: AudioLanguageModel
    public var datasets: [ExperimentData]
    public var methods: [String]
    public var seeds: [UInt64]
    public var shots: Int
    /// Overrides the methods' default epoch count when set.
    public var epochs: Int?
    public var outputDirectory: String?
    /// palm's default or the reference's choices (recorded with every result).
    public var experimentProtocol: ExperimentProtocol = .palm
    /// When set, every trained learner is saved there in the reference's checkpoint format
    /// (`LearnerCheckpoint`: `DIR/<method>/<EXP>-SEED<s>.pth`).
    public var saveLearnersDirectory: String?
    /// When set, nothing trains: each cell's learner is read from there (written by palm or by
    /// the reference's `main.py --save_model`) and evaluated, with the bn0 statistics saved
    /// beside it applied to the audio encoder.
    public var loadLearnersDirectory: String?
    /// Checked between cells and at training batch boundaries.
    public var shouldStop: () -> Bool = { false }
    /// Progress lines ("ESC50 fold 1 palm seed 0: 0.953").
    public var log: (String) -> Void = { print($0) }

    public init(model: AudioLanguageModel, datasets: [ExperimentData], methods: [String], seeds: [UInt64], shots: Int,
                epochs: Int? = nil, outputDirectory: String? = nil) {
        self.model = model; self.datasets = datasets; self.methods = methods; self.seeds = seeds; self.shots = shots
        self.epochs = epochs; self.outputDirectory = outputDirectory
    }

    /// Runs every unfinished cell; returns all records and the predictions behind them
    /// (earlier runs' included).
    @discardableResult
    public func run() throws -> ExperimentOutcome {
        // Every name and setting checked before a long run.
        let specs = try methods.map { try experimentProtocol.apply(to: MethodSpec($0)) }
        let protocolName = experimentProtocol.description + (loadLearnersDirectory == nil ? "" : "+loaded")
        var outcome = try loadOutcome()
        var done = Set(outcome.records.map(\.key))
        for data in datasets {
            for fold in data.folds {
                for seed in seeds {
                    var cache: (train: FeatureSet, test: FeatureSet)?
                    for spec in specs {
                        // A seedless method (zero-shot) runs once: the paper reports it for seed 0.
                        if !spec.kind.usesSeed && seed != seeds.first { continue }
                        let method = spec.description
                        let probe = ExperimentRecord(dataset: data.name, method: method, seed: seed, fold: fold, shots: shots,
                                                     accuracy: 0, macroF1: 0, trainSeconds: 0, parameters: 0, protocolName: protocolName)
                        if done.contains(probe.key) { continue }
                        if shouldStop() { return outcome }
                        if cache == nil { cache = try data.features(fold: fold, shots: shots, seed: seed) }
                        let (train, test) = cache!
                        guard let ran = try runCell(spec, data: data, fold: fold, seed: seed, train: train, test: test) else { return outcome }
                        let (result, report, learner, evaluated) = (ran.result, ran.report, ran.learner, ran.test)
                        if let dir = saveLearnersDirectory, !learner.parameters.isEmpty {
                            let path = LearnerCheckpoint.path(directory: dir, method: method, experiment: LearnerCheckpoint.experimentName(dataset: data.name, fold: fold), seed: seed)
                            try LearnerCheckpoint.write(learner, statistics: ran.statistics, to: path)
                        }
                        var r = probe
                        r.accuracy = result.accuracy; r.macroF1 = result.macroF1
                        r.trainSeconds = report.seconds; r.parameters = learner.parameterCount
                        let cell = CellPredictions(dataset: data.name, method: method, seed: seed, fold: fold, shots: shots,
                                                   classNames: data.classNames,
                                                   paths: evaluated.paths.isEmpty ? Array(repeating: "", count: evaluated.count) : evaluated.paths,
                                                   labels: evaluated.labels, predicted: result.predictions, protocolName: protocolName)
                        outcome.records.append(r)
                        outcome.predictions.append(cell)
                        done.insert(r.key)
                        log(String(format: "%@ fold %d seed %llu %@: accuracy %.4f, macro-F1 %.4f (%.1f s)",
                                   data.name, fold, seed, method, r.accuracy, r.macroF1, r.trainSeconds))
                        try save(outcome, newCell: cell)
                    }
                }
            }
        }
        return outcome
    }

    /// Trains and evaluates one cell; nil when stopped. In the reference's encoder mode the
    /// learner is made on a `TrainingRun` of the model: each training batch is re-encoded in
    /// train mode, and the test clips are encoded in eval mode with the statistics training left.
    private func runCell(_ spec: MethodSpec, data: ExperimentData, fold: Int, seed: UInt64, train: FeatureSet,
                         test: FeatureSet) throws -> CellRun? {
        if let dir = loadLearnersDirectory { return try evaluateSaved(spec, directory: dir, data: data, fold: fold, seed: seed, test: test) }
        var options = spec.trainingOptions(epochs: epochs)
        options.seed = seed
        var trainer = Trainer(options: options)
        trainer.shouldStop = shouldStop
        switch experimentProtocol.encoderMode {
        case .eval:
            let learner = try spec.makeLearner(model: model, classNames: data.classNames, seed: seed)
            let report = try trainer.fit(learner, on: train)
            let frozen = (model as? ReferenceTrainable)?.normalizationStatistics ?? [:]
            return report.cancelled ? nil : CellRun(test: test, result: try Evaluator.evaluate(learner, on: test), report: report, learner: learner,
                                                    statistics: frozen)
        case .reference:
            guard let trainable = model as? ReferenceTrainable else {
                throw PromptingError.invalidData("the reference's encoder mode needs a model whose encoders train as the reference's (PENGI); '\(model.name)' cannot")
            }
            guard train.paths.count == train.count else {
                throw PromptingError.invalidData("\(data.name): the reference's encoder mode re-encodes the training clips, and their files are unknown")
            }
            let run = TrainingRun(base: trainable, seed: seed)
            let learner = try spec.makeLearner(model: run, classNames: data.classNames, seed: seed)
            trainer.audioBatch = { rows in try run.embedAudioTraining(paths: rows.map { train.paths[$0] }) }
            run.isTraining = true
            let report = try trainer.fit(learner, on: train)
            run.isTraining = false
            if report.cancelled { return nil }
            let encoded = try data.testFeatures(fold: fold, model: run)
            return CellRun(test: encoded, result: try Evaluator.evaluate(learner, on: encoded), report: report, learner: learner,
                           statistics: run.state.statistics)
        }
    }

    /// Evaluates the learner saved for this cell (no training): its state loaded strictly, the
    /// statistics saved beside it applied (test clips encoded again with them, cached per set).
    private func evaluateSaved(_ spec: MethodSpec, directory: String, data: ExperimentData, fold: Int, seed: UInt64,
                               test: FeatureSet) throws -> CellRun {
        let learner = try spec.makeLearner(model: model, classNames: data.classNames, seed: seed)
        let none = TrainingReport(epochs: [], cancelled: false, seconds: 0)
        guard !learner.parameters.isEmpty else {
            return CellRun(test: test, result: try Evaluator.evaluate(learner, on: test), report: none, learner: learner, statistics: [:])
        }
        let path = LearnerCheckpoint.path(directory: directory, method: spec.description,
                                          experiment: LearnerCheckpoint.experimentName(dataset: data.name, fold: fold), seed: seed)
        guard FileManager.default.fileExists(atPath: path) else {
            throw PromptingError.invalidData("no saved learner for \(data.name) fold \(fold) \(spec) seed \(seed): expected \(path)")
        }
        let saved = try LearnerCheckpoint.read(path)
        try learner.loadReferenceState(saved.state, source: path)
        guard !saved.statistics.isEmpty, let trainable = model as? ReferenceTrainable else {
            return CellRun(test: test, result: try Evaluator.evaluate(learner, on: test), report: none, learner: learner, statistics: saved.statistics)
        }
        let run = TrainingRun(base: trainable, seed: seed)
        for (name, s) in saved.statistics {
            guard let loaded = trainable.normalizationStatistics[name], loaded.mean.count == s.mean.count else {
                throw PromptingError.invalidData("\(path): the saved buffer '\(name)' does not fit \(model.name)'s audio encoder")
            }
            run.state.statistics[name] = s
        }
        let encoded = try data.testFeatures(fold: fold, model: run)
        return CellRun(test: encoded, result: try Evaluator.evaluate(learner, on: encoded), report: none, learner: learner,
                       statistics: run.state.statistics)
    }

    /// What one cell's training (or loading) left.
    private struct CellRun {
        /// The test clips as evaluated (encoded again under other statistics, or the cached ones).
        let test: FeatureSet
        let result: EvaluationResult
        let report: TrainingReport
        let learner: PromptLearner
        /// The audio encoder's normalisation statistics the learner goes with (saved beside it).
        let statistics: [String: BatchNormStatistics]
    }

    private func path(_ name: String) -> String? { outputDirectory.map { ($0 as NSString).appendingPathComponent(name) } }

    /// The per-cell predictions file of `cell` (a name safe on every filesystem).
    private func predictionsFile(_ cell: CellPredictions) -> String? {
        let name = [cell.dataset, cell.method, "fold\(cell.fold)", "seed\(cell.seed)", "shots\(cell.shots)"]
            .map { String($0.map { $0.isLetter || $0.isNumber || "-_.+".contains($0) ? $0 : "_" }) }.joined(separator: "__")
        return path("predictions/" + name + ".json")
    }

    private func loadOutcome() throws -> ExperimentOutcome {
        guard let results = path("results.json"), FileManager.default.fileExists(atPath: results) else {
            return ExperimentOutcome(records: [], predictions: [])
        }
        let records: [ExperimentRecord]
        do {
            records = try JSONDecoder().decode([ExperimentRecord].self, from: Data(contentsOf: URL(fileURLWithPath: results)))
        } catch {
            throw PromptingError.invalidData("\(results): cannot resume from it (\(error)); move it away to start afresh")
        }
        // Predictions of the finished cells, where they were kept (results of older palm
        // versions have none: those cells simply have no per-clip rows).
        var predictions: [CellPredictions] = []
        let folder = path("predictions")!
        for file in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() where file.hasSuffix(".json") {
            do {
                predictions.append(try JSONDecoder().decode(CellPredictions.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))))
            } catch {
                throw PromptingError.invalidData("\(folder)/\(file): cannot resume from it (\(error)); move it away")
            }
        }
        let order = Dictionary(records.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        predictions = predictions.filter { order[$0.key] != nil }.sorted { order[$0.key]! < order[$1.key]! }
        return ExperimentOutcome(records: records, predictions: predictions)
    }

    private func save(_ outcome: ExperimentOutcome, newCell: CellPredictions) throws {
        guard outputDirectory != nil else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let file = predictionsFile(newCell) { try AtomicFile.write(JSONEncoder().encode(newCell), to: file, createDirectory: true) }
        try AtomicFile.write(encoder.encode(outcome.records), to: path("results.json")!, createDirectory: true)
        try AtomicFile.write(ResultsTable.csv(outcome.records), to: path("results.csv")!)
        try AtomicFile.write(ResultsTable.markdown(outcome.records), to: path("table.md")!)
        try AtomicFile.write(ResultsTable.predictionsCSV(outcome.predictions), to: path("predictions.csv")!)
    }
}
