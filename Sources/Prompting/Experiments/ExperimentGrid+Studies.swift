import Foundation

/// The generalization studies' cells: a learner trained once, then evaluated under several
/// conditions (other class lists, other datasets), one record per condition.
extension ExperimentGrid {
    /// One base-to-novel cell: the learner trains on the base classes' few-shot clips only,
    /// then is evaluated on the base classes' test clips, carried over to the novel classes
    /// for theirs, and carried over to all classes for the whole test set. Four records:
    /// `base`, `novel`, `all`, and `harmonic` (the harmonic mean of base and novel accuracy,
    /// and of their macro-F1). The method's fallback for novel classes is each record's note.
    /// Nil when stopped.
    func runBaseToNovel(_ spec: MethodSpec, rule: ClassSplit.Rule, data: ExperimentData, cell: GridCell, train: FeatureSet,
                        test: FeatureSet) throws -> (result: CellResult, learner: PromptLearner)? {
        let split = try ClassSplit(classes: data.classNames, rule: rule)
        guard let (learner, report) = try trainForStudy(spec, cell: cell, on: try ClassSplit.restrict(train, to: split.base)) else { return nil }
        var study = StudyRecords(cell: cell, shots: shots, learner: learner, report: report)
        let base = try study.evaluate(ClassTransfer(learner: learner, novelClasses: [], fallback: nil),
                                      on: try ClassSplit.restrict(test, to: split.base), dataset: data.name, condition: "base")
        let novel = try study.evaluate(try learner.transferred(to: split.novel, model: model),
                                       on: try ClassSplit.restrict(test, to: split.novel), dataset: data.name, condition: "novel")
        _ = try study.evaluate(try learner.transferred(to: data.classNames, model: model), on: test, dataset: data.name, condition: "all")
        var harmonic = study.record(dataset: data.name, accuracy: harmonicMean(base.accuracy, novel.accuracy),
                                    macroF1: harmonicMean(base.macroF1, novel.macroF1))
        harmonic.condition = "harmonic"
        harmonic.note = study.notes.isEmpty ? nil : study.notes.joined(separator: "; ")
        study.records.append(harmonic)
        return (CellResult(key: cell.key, records: study.records, predictions: study.predictions), learner)
    }

    /// One cross-dataset cell: the learner trains on the source dataset as usual and is
    /// evaluated on the source's test part (a plain record), then carried over to each target's
    /// classes and evaluated on every test clip of the target (`TARGET [from SOURCE]`, the
    /// method's fallback for classes it never saw as the note). Nil when stopped.
    func runCrossDataset(_ spec: MethodSpec, data: ExperimentData, targets: [ExperimentData], cell: GridCell, train: FeatureSet,
                         test: FeatureSet) throws -> (result: CellResult, learner: PromptLearner)? {
        guard let (learner, report) = try trainForStudy(spec, cell: cell, on: train) else { return nil }
        var study = StudyRecords(cell: cell, shots: shots, learner: learner, report: report)
        _ = try study.evaluate(ClassTransfer(learner: learner, novelClasses: [], fallback: nil), on: test, dataset: data.name, condition: nil)
        for target in targets {
            _ = try study.evaluate(try learner.transferred(to: target.classNames, model: model), on: try target.allTestFeatures(),
                                   dataset: target.name, condition: "from \(data.name)")
        }
        return (CellResult(key: cell.key, records: study.records, predictions: study.predictions), learner)
    }

    /// Trains a learner for `set`'s classes as the grid trains (the method's recipe, the
    /// cell's seed); nil when stopped. Studies run with frozen eval-mode encoders.
    private func trainForStudy(_ spec: MethodSpec, cell: GridCell, on set: FeatureSet) throws -> (PromptLearner, TrainingReport)? {
        guard experimentProtocol.encoderMode == .eval, loadLearnersDirectory == nil else {
            throw PromptingError.invalidData("\(generalization.map { "\($0)" } ?? "a study") runs with frozen eval-mode encoders and trained learners (not --encoder-mode reference or --eval-only)")
        }
        var options = spec.trainingOptions(epochs: epochs)
        options.seed = cell.seed
        var trainer = Trainer(options: options)
        trainer.shouldStop = shouldStop
        let learner = try spec.makeLearner(model: model, classNames: set.classNames, seed: cell.seed)
        let report = try trainer.fit(learner, on: set)
        return report.cancelled ? nil : (learner, report)
    }
}

/// The records and predictions of one study cell, condition by condition.
struct StudyRecords {
    let cell: GridCell
    let shots: Int
    let learner: PromptLearner
    let report: TrainingReport
    var records: [ExperimentRecord] = []
    var predictions: [CellPredictions] = []
    /// Each distinct fallback named so far.
    var notes: [String] = []

    init(cell: GridCell, shots: Int, learner: PromptLearner, report: TrainingReport) {
        self.cell = cell; self.shots = shots; self.learner = learner; self.report = report
    }

    /// A record of this cell's training with the given scores (condition and note unset).
    func record(dataset: String, accuracy: Double, macroF1: Double) -> ExperimentRecord {
        ExperimentRecord(dataset: dataset, method: cell.method, seed: cell.seed, fold: cell.fold, shots: shots, accuracy: accuracy,
                         macroF1: macroF1, trainSeconds: report.seconds, parameters: learner.parameterCount, protocolName: cell.protocolName)
    }

    /// Evaluates `transfer.learner` on `set` and records it under `condition`.
    mutating func evaluate(_ transfer: ClassTransfer, on set: FeatureSet, dataset: String, condition: String?) throws -> EvaluationResult {
        if let fallback = transfer.fallback, !notes.contains(fallback) { notes.append(fallback) }
        guard set.count > 0 else {
            throw PromptingError.invalidData("\(dataset)\(condition.map { " [\($0)]" } ?? ""): no test clip of its classes (\(transfer.learner.classNames.joined(separator: ", "))) to evaluate on")
        }
        let result = try Evaluator.evaluate(transfer.learner, on: set)
        var r = record(dataset: dataset, accuracy: result.accuracy, macroF1: result.macroF1)
        r.condition = condition
        r.note = transfer.fallback
        records.append(r)
        predictions.append(CellPredictions(dataset: dataset, method: cell.method, seed: cell.seed, fold: cell.fold, shots: shots,
                                           classNames: transfer.learner.classNames,
                                           paths: set.paths.isEmpty ? Array(repeating: "", count: set.count) : set.paths,
                                           labels: set.labels, predicted: result.predictions, protocolName: cell.protocolName,
                                           condition: condition))
        return result
    }
}
