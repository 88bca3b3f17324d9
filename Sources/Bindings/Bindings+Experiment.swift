import Datasets
import Foundation
import Models
import Prompting
import Reports
import ScriptCore
import Support

// Experiment grids in scripts: `experiment(model, datasets: [...], methods: [...], ...)` runs
// datasets x methods x seeds x folds through the one trainer (resumable when `out` is given)
// and returns the records with their Table 2 layout.

/// The records of an experiment grid, with the per-clip predictions behind them when the grid
/// ran in this session or kept them on disk.
public final class ResultsObject: HostObject {
    let records: [ExperimentRecord]
    let predictions: [CellPredictions]
    init(_ records: [ExperimentRecord], predictions: [CellPredictions] = []) {
        self.records = records
        self.predictions = predictions
    }

    var datasets: [String] { records.map(\.dataset).uniqueInOrder() }
    var methodNames: [String] { records.map(\.method).uniqueInOrder() }

    /// Mean accuracy of `method` on `dataset` over folds then seeds (the paper's aggregation);
    /// with `dataset` nil, the mean over datasets.
    func accuracy(method: String, dataset: String?) -> Double? { ResultsTable.meanAccuracy(records, method: method, dataset: dataset) }

    public var typeName: String { "results" }
    public var typeSummary: String { "experiment records (dataset, method, seed, fold, shots, accuracy, macro-F1, seconds, parameters)" }
    public var description: String {
        "<results: \(records.count) records, \(datasets.count) datasets x \(methodNames.count) methods>\n" + ResultsTable.markdown(records)
    }
    public var fieldDocs: [(name: String, doc: String)] {
        [("table", "the paper's Table 2 layout as Markdown"), ("csv", "one CSV row per record"), ("records", "list of maps, one per record"),
         ("predictions_csv", "one CSV row per test clip and cell: dataset, fold, method, seed, path, label, predicted"),
         ("datasets", "dataset names"), ("methods", "method names"), ("count", "number of records")]
    }
    public func field(_ name: String) throws -> Value? {
        switch name {
        case "table": return .string(ResultsTable.markdown(records))
        case "csv": return .string(ResultsTable.csv(records))
        case "predictions_csv": return .string(ResultsTable.predictionsCSV(predictions))
        case "records":
            return .list(records.map { r in
                .map(MapBox([("dataset", .string(r.dataset)), ("method", .string(r.method)), ("seed", .int(Int(r.seed))),
                             ("fold", .int(r.fold)), ("shots", .int(r.shots)), ("accuracy", .number(r.accuracy)),
                             ("macro_f1", .number(r.macroF1)), ("seconds", .number(r.trainSeconds)), ("parameters", .int(r.parameters)),
                             ("condition", r.condition.map { .string($0) } ?? .nil), ("note", r.note.map { .string($0) } ?? .nil),
                             ("model", r.model.map { .string($0) } ?? .nil)]))
            })
        case "datasets": return .list(datasets.map { .string($0) })
        case "methods": return .list(methodNames.map { .string($0) })
        case "count": return .int(records.count)
        default: return nil
        }
    }
    public var methods: [Builtin] {
        [Builtin(Doc("results.confusion", "The summed evaluation of a method over its folds and seeds (on one dataset, or all): heatmap(x) draws its confusion matrix.",
                     params: [Param("method", "method name"), Param("dataset", "dataset name (nil: every dataset)", default: "nil")],
                     returns: "evaluation")) { [self] args, _ in
            let method = try args.string(0), dataset = try args[1].map { try $0.asString("results.confusion argument 'dataset'") }
            guard let e = ExperimentOutcome(records: records, predictions: predictions).evaluation(method: method, dataset: dataset) else {
                throw ScriptError.runtime("results.confusion: no predictions of '\(method)'\(dataset.map { " on \($0)" } ?? "") (known: \(predictions.map(\.method).uniqueInOrder().joined(separator: ", ")))")
            }
            return .host(EvaluationObject(e, method: method))
        },
         Builtin(Doc("results.sweep", "Accuracy against a parameter the perturbations swept (\"snr\"): a line per method, the mean over seeds with a band from the lowest to the highest seed.",
                     params: [Param("key", "the swept parameter, e.g. \"snr\""), Param("title", "title", default: "nil")],
                     returns: "plot")) { [self] args, _ in
            let key = try args.string(0)
            guard let sweep = ResultsTable.sweepChart(records, key: key) else {
                throw ScriptError.runtime("results.sweep: no record was evaluated under a perturbation with '\(key)=' (conditions: \(records.compactMap(\.condition).uniqueInOrder().prefix(4).joined(separator: "; ")))")
            }
            let title = try args[1].map { try $0.asString("results.sweep argument 'title'") }
                ?? "accuracy vs \(key) (mean over seeds; band: lowest to highest seed)"
            return .host(PlotObject(Plot(kind: .line(x: sweep.x, series: sweep.series, values: sweep.values), title: title,
                                         xLabel: key == "snr" ? "SNR (dB)" : key, yLabel: "accuracy", bands: sweep.bands)))
        },
         Builtin(Doc("results.accuracy", "Mean accuracy of a method (folds, then seeds averaged) on one dataset, or averaged over datasets.",
                     params: [Param("method", "method name"), Param("dataset", "dataset name (nil: the mean over datasets)", default: "nil")],
                     returns: "number or nil")) { [self] args, _ in
            let d = try args[1].map { try $0.asString("results.accuracy argument 'dataset'") }
            return self.accuracy(method: try args.string(0), dataset: d).map { .number($0) } ?? .nil
        }]
    }
}

extension Interpreter {
    func installExperimentBindings() {
        builtin("experiment", "Runs datasets x methods x seeds x folds (few-shot training, evaluation on the whole test part); with `out`, writes results.json/.csv/table.md after every cell and resumes.",
                [Param("model", "the model, or a list of models (one grid each, one table over models and methods)"), Param("datasets", "list of datasets"), Param("methods", "method specs", default: "[" + LearnerRegistry.paper.map { "\"\($0)\"" }.joined(separator: ", ") + "]"),
                 Param("seeds", "list of seeds", default: "[0, 1, 2]"), Param("shots", "training items per class (0: all)", default: "16"),
                 Param("epochs", "override the methods' epoch count", default: "nil"), Param("out", "directory for results (resumable)", default: "nil"),
                 Param("folds", "only these folds (default: all)", default: "nil"), Param("verbose", "print a line per cell", default: "false"),
                 Param("protocol", "\"palm\" (frozen eval-mode encoders, the paper's zero-shot template) or \"reference\" (the reference code's train-mode encoders and zero-shot prompt)", default: "\"palm\""),
                 Param("encoder_mode", "override the protocol's encoder mode: \"eval\" or \"reference\"", default: "nil"),
                 Param("generalization", "a study: \"base-to-novel\" (records base, novel, all, harmonic) or \"cross-dataset\" (with train_on, evaluate_on)", default: "nil"),
                 Param("class_split", "base-to-novel's split: \"half\" or \"seeded=N\"", default: "\"half\""),
                 Param("train_on", "cross-dataset: the dataset name learners train on", default: "nil"),
                 Param("evaluate_on", "cross-dataset: the dataset names they are evaluated on", default: "nil"),
                 Param("perturb", "test-audio perturbation sweeps, e.g. [\"noise:snr=20,10,0\"]: a record per level and cell", default: "nil")],
                returns: "results") { args, interp in
            // A list of models runs one grid per model, every record naming its model (its spec).
            let models: [ModelObject]
            if case let .list(items) = try args.value(0) {
                models = try items.items.map { try interp.modelArgument($0, "experiment argument 'model'") }
                guard !models.isEmpty else { throw ScriptError.runtime("experiment: the list of models is empty") }
            } else {
                models = [try interp.modelArgument(try args.value(0), "experiment argument 'model'")]
            }
            let verbose = try args.bool(8, default: false)
            // Per-cell lines: the script's output when asked for, else the grid's progress on stderr.
            let log: ((String) -> Void)? = verbose ? { interp.output($0) } : nil
            let foldFilter = try args[7].map { try $0.asList("experiment argument 'folds'").map { try $0.asInt("experiment fold") } }
            let datasets = try args.value(1).asList("experiment argument 'datasets'").map { v -> DatasetObject in
                guard case let .host(h) = v, let d = h as? DatasetObject else { throw ScriptError.type(expected: "dataset", found: v, context: "experiment argument 'datasets'") }
                return d
            }
            let methods = try args[2].map { try $0.asList("experiment argument 'methods'").map { try $0.asString("experiment method") } } ?? LearnerRegistry.paper
            let seeds = try (args[3]?.asList("experiment argument 'seeds'") ?? [.int(0), .int(1), .int(2)]).map { v -> UInt64 in
                let s = try v.asInt("experiment seed")
                guard s >= 0 else { throw ScriptError.runtime("experiment: seeds must be >= 0") }
                return UInt64(s)
            }
            let out = try args[6].map { (try $0.asString("experiment argument 'out'") as NSString).expandingTildeInPath }
            // The grid's settings, read once for every model.
            let experimentProtocol = try ExperimentProtocol.resolve(try args[9].map { try $0.asString("experiment argument 'protocol'") } ?? "palm",
                                                                    encoderMode: try args[10].map { try $0.asString("experiment argument 'encoder_mode'") })
            var generalization: Generalization?
            if let study = try args[11].map({ try $0.asString("experiment argument 'generalization'") }) {
                do {
                    generalization = try Generalization(study, classSplit: try args[12].map { try $0.asString("experiment argument 'class_split'") } ?? "half",
                                                        trainOn: try args[13].map { try $0.asString("experiment argument 'train_on'") },
                                                        evaluateOn: try args[14].map { try $0.asList("experiment argument 'evaluate_on'").map { try $0.asString("evaluate_on item") } } ?? [])
                } catch let error as PromptingError { throw ScriptError.runtime("experiment: \(error)") }
            }
            let perturbations = try Interpreter.perturbations(args[15])
            var outcome = ExperimentOutcome(records: [], predictions: [])
            var order: [GridCell] = []
            for m in models {
                let store = interp.session.store(for: m)
                let data: [ExperimentData] = datasets.map { d in
                    var e = DatasetExperiment(dataset: d.dataset, store: store)
                    e.log = log ?? FeatureStore.warnOnStandardError
                    return foldFilter.map { FoldSubset(base: e, only: $0) } ?? e
                }
                var grid = ExperimentGrid(model: m.model, datasets: data, methods: methods, seeds: seeds, shots: try args.int(4, default: 16),
                                          epochs: try args[5].map { try $0.asInt("experiment argument 'epochs'") }, outputDirectory: out)
                grid.experimentProtocol = experimentProtocol
                grid.generalization = generalization
                grid.perturbations = perturbations
                grid.modelLabel = models.count > 1 ? m.spec : nil
                grid.shouldStop = { Interrupt.requested }
                grid.log = log
                order += try grid.cells()
                let one = try grid.run(writeTables: models.count == 1)
                try Interpreter.throwIfInterrupted()
                if out == nil {
                    outcome.records += one.records
                    outcome.predictions += one.predictions
                } else {
                    outcome = one
                }
            }
            if let out, models.count > 1 {
                let results = GridResults(directory: out)
                outcome = try results.outcome(order: order)
                try results.writeTables(outcome)
            }
            return .host(ResultsObject(outcome.records, predictions: outcome.predictions))
        }
        builtin("split_classes", "Base and novel classes, as base-to-novel splits them: the first half in sorted order, or a seeded split.",
                [Param("classes", "a dataset, or a list of class names (split in the order given; a dataset's are sorted)"), Param("seed", "nil: the first half; a number: a seeded split", default: "nil")],
                returns: "map with base and novel") { args, _ in
            let v = try args.value(0)
            let classes: [String]
            if case let .host(h) = v, let d = h as? DatasetObject { classes = d.dataset.classes } else {
                classes = try v.asList("split_classes argument 'classes'").map { try $0.asString("class name") }
            }
            let rule: ClassSplit.Rule = try args[1].map { .seeded(UInt64(max(0, try $0.asInt("split_classes argument 'seed'")))) } ?? .half
            let split: ClassSplit
            do { split = try ClassSplit(classes: classes, rule: rule) } catch { throw ScriptError.runtime("split_classes: \(error)") }
            return .map(MapBox([("base", .list(split.base.map { .string($0) })), ("novel", .list(split.novel.map { .string($0) }))]))
        }
        builtin("results", "Results from records (a list of maps as results.records gives, or a results.json file path), e.g. to merge runs.",
                [Param("records", "list of record maps, or a path to results.json")], returns: "results") { args, _ in
            let v = try args.value(0)
            if case let .string(path) = v {
                let data = Data(try TextFile.read((path as NSString).expandingTildeInPath, role: "results file").utf8)
                return .host(ResultsObject(try JSONDecoder().decode([ExperimentRecord].self, from: data)))
            }
            var records: [ExperimentRecord] = []
            for item in try v.asList("results argument 'records'") {
                if case let .host(h) = item, let r = h as? ResultsObject { records += r.records; continue }
                guard case let .map(m) = item else { throw ScriptError.type(expected: "map or results", found: item, context: "results record") }
                func num(_ k: String) throws -> Double { try m[k]?.asNumber("record \(k)") ?? 0 }
                var record = ExperimentRecord(dataset: try m["dataset"]?.asString("record dataset") ?? "-", method: try m["method"]?.asString("record method") ?? "-",
                                              seed: UInt64(max(0, try num("seed"))), fold: Int(try num("fold")), shots: Int(try num("shots")),
                                              accuracy: try num("accuracy"), macroF1: try num("macro_f1"), trainSeconds: try num("seconds"),
                                              parameters: Int(try num("parameters")))
                func text(_ k: String) throws -> String? {
                    guard let v = m[k] else { return nil }
                    if case .nil = v { return nil }
                    return try v.asString("record \(k)")
                }
                record.condition = try text("condition")
                record.note = try text("note")
                record.model = try text("model")
                records.append(record)
            }
            return .host(ResultsObject(records))
        }
    }
}

/// An experiment dataset restricted to some folds (quick runs of folded datasets).
struct FoldSubset: ExperimentData {
    let base: ExperimentData
    let only: [Int]
    var name: String { base.name }
    var classNames: [String] { base.classNames }
    var folds: [Int] { base.folds.filter { only.contains($0) || ($0 == 0 && only.contains(1)) } }
    func features(fold: Int, shots: Int, seed: UInt64) throws -> (train: FeatureSet, test: FeatureSet) {
        try base.features(fold: fold, shots: shots, seed: seed)
    }
    func testFeatures(fold: Int, model: AudioLanguageModel) throws -> FeatureSet { try base.testFeatures(fold: fold, model: model) }
}
