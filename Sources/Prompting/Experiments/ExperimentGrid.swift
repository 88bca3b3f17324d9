import Audio
import Datasets
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
    /// Every test clip of the dataset once (the union of its folds' test parts): what a learner
    /// trained elsewhere is evaluated on.
    func allTestFeatures() throws -> FeatureSet
    /// The test part of `fold` embedded by `model` (the same encoders with other normalisation
    /// statistics, after a train-mode run).
    func testFeatures(fold: Int, model: AudioLanguageModel) throws -> FeatureSet
}

extension ExperimentData {
    /// The folds' test parts, joined (a clip in several test parts counts once, by path).
    public func allTestFeatures() throws -> FeatureSet {
        var parts: [FeatureSet] = []
        for fold in folds { parts.append(try features(fold: fold, shots: 0, seed: 0).test) }
        guard parts.count > 1 else { return parts[0] }
        var seen = Set<[UInt8]>(), rows: [(Int, Int)] = []
        for (p, set) in parts.enumerated() {
            for i in 0..<set.count where set.paths.isEmpty || seen.insert(Array(set.paths[i].utf8)).inserted { rows.append((p, i)) }
        }
        let features = try Tensor.concat(parts.map(\.features), axis: 0)
        var offsets = [0]
        for set in parts { offsets.append(offsets.last! + set.count) }
        let picked = rows.map { offsets[$0.0] + $0.1 }
        let all = try FeatureSet(features: features, labels: parts.flatMap(\.labels), classNames: classNames,
                                 paths: parts.allSatisfy { !$0.paths.isEmpty } ? parts.flatMap(\.paths) : [])
        return try all.subset(picked)
    }

    public func testFeatures(fold: Int, model: AudioLanguageModel) throws -> FeatureSet {
        throw PromptingError.invalidData("\(name): these features cannot be encoded again by another model (train-mode encoders need the clips)")
    }
}

/// Datasets x methods x seeds x folds x shots, trained and evaluated through the one trainer.
/// With an output directory, every finished cell is saved at once, atomically, as its own file
/// (`GridResults`), and the tables (`results.json`, `results.csv`, `table.md`,
/// `predictions.csv`) are rewritten from the cell files, so an interrupted grid resumes,
/// skipping finished cells. The same grid split into cluster jobs runs `run(only:)` per task.
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
    /// The model's label in records and cell keys when this grid is one of several over models
    /// sharing an output folder (`palm experiment --model A --model B`); nil otherwise.
    public var modelLabel: String?
    /// A generalization study every cell runs (base-to-novel); nil: all classes throughout.
    public var generalization: Generalization?
    /// Perturbations of the test audio: every cell is also evaluated on its test clips under
    /// each (a record per perturbation, its description as the condition). The perturbed clips
    /// are encoded once per dataset, fold and perturbation, whatever the methods and seeds, and
    /// cached under the perturbation (its description is part of the front-end's fingerprint).
    public var perturbations: [Perturbation] = [] {
        didSet {
            var seen = Set<String>()
            let unique = perturbations.filter { seen.insert($0.description).inserted }
            if unique.count != perturbations.count { perturbations = unique }
        }
    }
    /// Checked between cells and at training batch boundaries.
    public var shouldStop: () -> Bool = { false }
    /// Where the line per finished cell goes ("ESC50 fold 1 seed 0 palm: accuracy 0.9530, ...").
    /// nil (the default): progress on stderr, a bar over the cells to run on a terminal (the
    /// latest cell's line after it), a start line, one line per cell and a summary otherwise;
    /// stdout is left to results.
    public var log: ((String) -> Void)?

    public init(model: AudioLanguageModel, datasets: [ExperimentData], methods: [String], seeds: [UInt64], shots: Int,
                epochs: Int? = nil, outputDirectory: String? = nil) {
        self.model = model; self.datasets = datasets; self.methods = methods; self.seeds = seeds; self.shots = shots
        self.epochs = epochs; self.outputDirectory = outputDirectory
    }

    /// The grid without its model and data: what `cells()` and the protocol name come from.
    public var layout: GridLayout {
        GridLayout(datasets: datasets.map { ($0.name, $0.folds) }, methods: methods, seeds: seeds, shots: shots,
                   experimentProtocol: experimentProtocol, loadsLearners: loadLearnersDirectory != nil, generalization: generalization)
            .with(perturbations: perturbations, model: modelLabel)
    }

    /// The protocol every record of this grid carries.
    public var protocolName: String { layout.protocolName }

    /// Every cell of the grid in the order the local loop runs them (`GridLayout.cells`).
    public func cells() throws -> [GridCell] { try layout.cells() }

    /// Runs every unfinished cell (or, with `only`, the unfinished ones among those keys) and
    /// returns all finished records and the predictions behind them (earlier runs' included).
    /// - Parameter writeTables: false in a cluster task, where the merge job writes the tables
    ///   once every task is done (tasks write only their own cell files).
    @discardableResult
    public func run(only: Set<String>? = nil, writeTables: Bool = true) throws -> ExperimentOutcome {
        let plan = try cells()
        let specs = Dictionary(try layout.specs().map { ($0.description, $0) }, uniquingKeysWith: { a, _ in a })
        let results = outputDirectory.map(GridResults.init)
        var finished = try results?.load() ?? [:]
        var outcome = ExperimentOutcome(records: [], predictions: [])
        // The tables are derived from the cell files (which alone make a grid resumable), so
        // they are rewritten at most every few seconds while cells finish, and at the end.
        var tablesWritten = Date()
        func current() throws -> ExperimentOutcome {
            guard let results else { return outcome }
            let all = try results.outcome(order: plan, finished: finished)
            if writeTables {
                try results.writeTables(all)
                tablesWritten = Date()
            }
            return all
        }
        var cache: (key: String, train: FeatureSet, test: FeatureSet)?
        var perturbedTests = PerturbedTestSets(model: model)
        let toRun = plan.filter { (only?.contains($0.key) ?? true) && finished[$0.key] == nil }.count
        let bar = log == nil && toRun > 0 ? ProgressBar(title: "experiment", total: toRun, unit: "cells") : nil
        defer { bar?.finish(note: bar.map { $0.done < toRun ? ", stopped" : "" } ?? "") }
        let say = log ?? { bar?.report($0) }
        for cell in plan {
            if let only, !only.contains(cell.key) { continue }
            if finished[cell.key] != nil { continue }
            if shouldStop() { return try current() }
            guard let data = datasets.first(where: { $0.name == cell.dataset }), let spec = specs[cell.method] else { continue }
            let featureKey = "\(cell.dataset)|\(cell.fold)|\(cell.seed)"
            if cache?.key != featureKey {
                let (train, test) = try data.features(fold: cell.fold, shots: shots, seed: cell.seed)
                cache = (featureKey, train, test)
            }
            var finishedCell: CellResult
            let learner: PromptLearner, statistics: [String: BatchNormStatistics]
            if case let .baseToNovel(rule)? = generalization {
                guard let ran = try runBaseToNovel(spec, rule: rule, data: data, cell: cell, train: cache!.train, test: cache!.test) else {
                    return try current()
                }
                (finishedCell, learner, statistics) = (ran.result, ran.learner, [:])
            } else if case let .crossDataset(_, targets)? = generalization {
                let targetData = targets.compactMap { name in datasets.first { $0.name == name } }
                guard let ran = try runCrossDataset(spec, data: data, targets: targetData, cell: cell, train: cache!.train, test: cache!.test) else {
                    return try current()
                }
                (finishedCell, learner, statistics) = (ran.result, ran.learner, [:])
            } else {
                guard let ran = try runCell(spec, data: data, fold: cell.fold, seed: cell.seed, train: cache!.train, test: cache!.test) else {
                    return try current()
                }
                let (result, report, evaluated) = (ran.result, ran.report, ran.test)
                (learner, statistics) = (ran.learner, ran.statistics)
                let record = ExperimentRecord(dataset: data.name, method: cell.method, seed: cell.seed, fold: cell.fold, shots: shots,
                                              accuracy: result.accuracy, macroF1: result.macroF1, trainSeconds: report.seconds,
                                              parameters: learner.parameterCount, protocolName: cell.protocolName)
                let predictions = CellPredictions(dataset: data.name, method: cell.method, seed: cell.seed, fold: cell.fold, shots: shots,
                                                  classNames: data.classNames,
                                                  paths: evaluated.paths.isEmpty ? Array(repeating: "", count: evaluated.count) : evaluated.paths,
                                                  labels: evaluated.labels, predicted: result.predictions, protocolName: cell.protocolName)
                var cellResult = CellResult(key: cell.key, records: [record], predictions: [predictions])
                if !perturbations.isEmpty {
                    var study = StudyRecords(cell: cell, shots: shots, learner: learner, report: report)
                    for p in perturbations {
                        _ = try study.evaluate(ClassTransfer(learner: learner, novelClasses: [], fallback: nil),
                                               on: try perturbedTests.features(data, fold: cell.fold, perturbation: p), dataset: data.name,
                                               condition: p.description)
                    }
                    cellResult.records += study.records
                    cellResult.predictions += study.predictions
                }
                finishedCell = cellResult
            }
            finishedCell = finishedCell.labelled(model: modelLabel)
            if let dir = saveLearnersDirectory, !learner.parameters.isEmpty {
                let path = LearnerCheckpoint.path(directory: dir, method: cell.method,
                                                  experiment: LearnerCheckpoint.experimentName(dataset: data.name, fold: cell.fold), seed: cell.seed)
                try LearnerCheckpoint.write(learner, statistics: statistics, to: path)
            }
            finished[cell.key] = finishedCell
            outcome.records += finishedCell.records
            outcome.predictions += finishedCell.predictions
            for record in finishedCell.records {
                say(String(format: "%@ fold %d seed %llu %@: accuracy %.4f, macro-F1 %.4f (%.1f s)",
                           record.row, cell.fold, cell.seed, cell.method, record.accuracy, record.macroF1, record.trainSeconds))
            }
            bar?.advance()
            if let results {
                try results.write(finishedCell, for: cell)
                if writeTables && Date().timeIntervalSince(tablesWritten) > 5 { _ = try current() }
            }
        }
        return try current()
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
}
