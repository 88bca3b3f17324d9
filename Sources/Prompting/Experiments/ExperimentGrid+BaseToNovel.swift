import Foundation

extension ExperimentGrid {
    /// One base-to-novel cell: the learner trains on the base classes' few-shot clips only,
    /// then is evaluated on the base classes' test clips, carried over to the novel classes
    /// for theirs, and carried over to all classes for the whole test set. Four records:
    /// `base`, `novel`, `all`, and `harmonic` (the harmonic mean of base and novel accuracy,
    /// and of their macro-F1). The method's fallback for novel classes is each record's note.
    /// Nil when stopped.
    func runBaseToNovel(_ spec: MethodSpec, rule: ClassSplit.Rule, data: ExperimentData, cell: GridCell, train: FeatureSet,
                        test: FeatureSet) throws -> (result: CellResult, learner: PromptLearner)? {
        guard experimentProtocol.encoderMode == .eval, loadLearnersDirectory == nil else {
            throw PromptingError.invalidData("base-to-novel runs with frozen eval-mode encoders and trained learners (not --encoder-mode reference or --eval-only)")
        }
        let split = try ClassSplit(classes: data.classNames, rule: rule)
        var options = spec.trainingOptions(epochs: epochs)
        options.seed = cell.seed
        var trainer = Trainer(options: options)
        trainer.shouldStop = shouldStop
        let learner = try spec.makeLearner(model: model, classNames: split.base, seed: cell.seed)
        let report = try trainer.fit(learner, on: try ClassSplit.restrict(train, to: split.base))
        if report.cancelled { return nil }

        var records: [ExperimentRecord] = [], predictions: [CellPredictions] = []
        var notes: [String] = []
        func evaluate(_ condition: String, _ classes: [String]) throws -> EvaluationResult {
            let transfer = condition == "base" ? ClassTransfer(learner: learner, novelClasses: [], fallback: nil)
                : try learner.transferred(to: classes, model: model)
            if let fallback = transfer.fallback, !notes.contains(fallback) { notes.append(fallback) }
            let set = try ClassSplit.restrict(test, to: classes)
            let result = try Evaluator.evaluate(transfer.learner, on: set)
            records.append(ExperimentRecord(dataset: data.name, method: cell.method, seed: cell.seed, fold: cell.fold, shots: shots,
                                            accuracy: result.accuracy, macroF1: result.macroF1, trainSeconds: report.seconds,
                                            parameters: learner.parameterCount, protocolName: cell.protocolName))
            records[records.count - 1].condition = condition
            records[records.count - 1].note = transfer.fallback
            predictions.append(CellPredictions(dataset: data.name, method: cell.method, seed: cell.seed, fold: cell.fold, shots: shots,
                                               classNames: classes, paths: set.paths.isEmpty ? Array(repeating: "", count: set.count) : set.paths,
                                               labels: set.labels, predicted: result.predictions, protocolName: cell.protocolName,
                                               condition: condition))
            return result
        }
        let base = try evaluate("base", split.base)
        let novel = try evaluate("novel", split.novel)
        _ = try evaluate("all", data.classNames)
        var harmonic = ExperimentRecord(dataset: data.name, method: cell.method, seed: cell.seed, fold: cell.fold, shots: shots,
                                        accuracy: harmonicMean(base.accuracy, novel.accuracy), macroF1: harmonicMean(base.macroF1, novel.macroF1),
                                        trainSeconds: report.seconds, parameters: learner.parameterCount, protocolName: cell.protocolName)
        harmonic.condition = "harmonic"
        harmonic.note = notes.isEmpty ? nil : notes.joined(separator: "; ")
        records.append(harmonic)
        return (CellResult(key: cell.key, records: records, predictions: predictions), learner)
    }
}
