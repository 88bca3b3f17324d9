import Audio
import ArgumentParser
import Datasets
import Foundation
import Models
import Prompting
import Reports
import Support

/// `palm experiment --model SPEC --dataset LAYOUT:ROOT[,...] --methods LIST --seeds LIST
/// --shots K [--epochs N] --out DIR`: the experiment grid from the shell, through the code path
/// scripts use. Writes `results.json`, `results.csv`, `table.md`, `predictions.csv` (one row
/// per test clip and cell) and `report.html` (tables, a bar chart, a confusion matrix per
/// dataset and method). Interrupted runs resume (finished cells are skipped). With
/// `--executor slurm` the same grid runs as Slurm job arrays (`Experiment+Slurm.swift`).
public struct Experiment: ParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "Run a datasets x methods x seeds x folds grid and print the table.")

    @Option(help: "Model: \(ModelSpec.forms.joined(separator: ", ")). Repeat it for a grid over models: one table over models and methods.")
    var model: [String]
    @Option(help: "Datasets as LAYOUT:ROOT, comma-separated (e.g. esc50:~/data/ESC-50).") var dataset: String
    @Option(help: "Methods, comma-separated, each optionally with settings (coop:n_ctx=4,batch=160): \(LearnerRegistry.names.joined(separator: ", ")).")
    var methods = LearnerRegistry.paper.joined(separator: ",")
    @Option(help: "Seeds, comma-separated.") var seeds = "0,1,2"
    @Option(help: "Shots per class (0: every training clip).") var shots = 16
    @Option(help: "Epochs (default: each method's own, 50 for the paper's methods).") var epochs: Int?
    @Option(help: "Output folder for results.json, results.csv, table.md, predictions.csv and report.html.") var out: String
    @Option(help: "Feature cache folder (default $PALM_CACHE or ~/.cache/palm).") var cache: String?
    @Option(help: "palm (frozen eval-mode encoders, the paper's zero-shot template) or reference (the PALM reference code's train-mode encoders and zero-shot prompt).")
    var `protocol` = "palm"
    @Option(help: "Override the protocol's encoder mode: eval (features computed once, frozen) or reference (train mode while learning, as the reference code).")
    var encoderMode: String?
    @Option(help: "Save every trained learner in the PALM reference's checkpoint format: DIR/<method>/<EXP>-SEED<s>.pth.")
    var saveLearners: String?
    @Flag(help: "Train nothing: evaluate the learners in --load-learners (written by palm or by the reference's main.py --save_model).")
    var evalOnly = false
    @Option(help: "Where --eval-only reads the learners from (DIR/<method>/<EXP>-SEED<s>.pth).")
    var loadLearners: String?

    @Option(help: "A generalization study: base-to-novel (train on the base classes; evaluate on base, novel, all, and their harmonic mean) or cross-dataset (--train-on, --evaluate-on).")
    var generalization: String?
    @Option(help: "With --generalization cross-dataset: the dataset (its name, e.g. ESC50) learners train on.") var trainOn: String?
    @Option(help: "With --generalization cross-dataset: the datasets, comma-separated, they are evaluated on with their own classes.")
    var evaluateOn: String?
    @Option(help: "With --generalization base-to-novel: half (the first half of the sorted classes are base) or seeded=N.")
    var classSplit = "half"

    @Option(help: "Also evaluate every cell on its test audio perturbed, one record per level (repeatable): e.g. noise:snr=20,10,5,0,-5[,source=white|pink|brown|folder:PATH|class:LAYOUT:ROOT:CLASS][,seed=N], gain:db=-6, shift:seconds=0.5, resample:rate=8000, codec:format=mp3|vorbis[,quality=Q], reverb:ir=FILE[,wet=W].")
    var perturb: [String] = []

    @Option(help: "local (this machine) or slurm (job arrays on a Slurm cluster: features, cells, merge).") var executor = "local"
    @Flag(help: "With --executor slurm: wait for the jobs, showing cells done, running, pending and failed.") var wait = false
    @Option(help: "With --executor slurm: clips per feature-extraction task.") var slurmShard = 256
    @Option(parsing: .unconditionalSingleValue, help: "sbatch --partition; VALUE for every stage or STAGE=VALUE (features, cells, merge); repeatable.")
    var slurmPartition: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: "sbatch --time (e.g. 2:00:00 or cells=1-00:00:00); repeatable.") var slurmTime: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: "sbatch --mem (e.g. 8G); repeatable.") var slurmMem: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: "sbatch --cpus-per-task; repeatable.") var slurmCpus: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: "sbatch --account; repeatable.") var slurmAccount: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: "At most K tasks of an array at once (--array=...%K); repeatable.") var slurmThrottle: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: "Further sbatch arguments (e.g. \"cells=--qos=long --gres=gpu:0\"); repeatable.")
    var slurmExtra: [String] = []

    /// The protocol the options name.
    public func experimentProtocol() throws -> ExperimentProtocol {
        do { return try ExperimentProtocol.resolve(`protocol`, encoderMode: encoderMode) } catch { throw ValidationError("\(error)") }
    }

    public init() {}

    /// The grid's lists, parsed and checked (before any model loads).
    public func lists() throws -> (datasets: [DatasetLocation], methods: [MethodSpec], seeds: [UInt64]) {
        (try DatasetLocation.list(dataset), try ListArguments.methods(methods), try ListArguments.seeds(seeds))
    }

    public func validate() throws {
        guard !model.isEmpty else { throw ValidationError("--model is required") }
        for spec in model { _ = try ModelSpec(spec) }
        guard Set(model).count == model.count else { throw ValidationError("--model: each model once (\(model.joined(separator: ", ")))") }
        _ = try lists()
        _ = try experimentProtocol()
        guard evalOnly == (loadLearners != nil) else {
            throw ValidationError(evalOnly ? "--eval-only needs --load-learners DIR" : "--load-learners goes with --eval-only")
        }
        guard shots >= 0 else { throw ValidationError("--shots must be >= 0, found \(shots)") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, found \(epochs)") }
        try validateExecutor()
        _ = try studyGeneralization()
        _ = try perturbations()
    }

    /// The test-audio perturbations `--perturb` names, each level once.
    func perturbations() throws -> [Perturbation] {
        do { return try PerturbationArguments.parse(perturb) } catch { throw ValidationError("\(error)") }
    }

    /// The generalization study the options name, if any.
    func studyGeneralization() throws -> Generalization? {
        guard let generalization else {
            if classSplit != "half" { throw ValidationError("--class-split goes with --generalization base-to-novel") }
            if trainOn != nil || evaluateOn != nil { throw ValidationError("--train-on and --evaluate-on go with --generalization cross-dataset") }
            return nil
        }
        do {
            return try Generalization(generalization, classSplit: classSplit, trainOn: trainOn,
                                      evaluateOn: evaluateOn.map { $0.split(separator: ",").map(String.init) } ?? [])
        } catch { throw ValidationError("\(error)") }
    }

    public func run() throws {
        if executor == "slurm" { return try runOnSlurm() }
        Interrupt.install(secondPressExits: true)
        // One grid per model into the same folder; with several, each record names its model and
        // the tables are written once, over every model's cells in order.
        var order: [GridCell] = []
        var outcome = ExperimentOutcome(records: [], predictions: [])
        for spec in model {
            var grid = try makeGrid(model: spec)
            grid.shouldStop = { Interrupt.requested }
            order += try grid.cells()
            outcome = try grid.run(writeTables: model.count == 1)
            if Interrupt.requested { break }
        }
        if model.count > 1 {
            let results = GridResults(directory: outputDirectory)
            outcome = try results.outcome(order: order)
            try results.writeTables(outcome)
        }
        try writeOutputs(outcome)
        if Interrupt.requested { FeatureStore.warnOnStandardError("interrupted: rerun the same command to resume"); throw ExitCode(130) }
    }

    /// The one model of a single-model grid (a cluster run takes one).
    var singleModel: String {
        get throws {
            guard model.count == 1 else { throw ValidationError("this takes one --model; found \(model.count)") }
            return model[0]
        }
    }

    /// The output folder, absolute.
    var outputDirectory: String { absolute(out) }

    /// The datasets, loaded (their notes on stderr).
    func loadDatasets() throws -> [Dataset] {
        try lists().datasets.map {
            let d = try Dataset.load($0.layout, root: $0.root)
            for note in d.notes { FeatureStore.warnOnStandardError("note: \(note)") }
            return d
        }
    }

    /// The feature store of `model` under the cache root.
    func featureStore(_ model: AudioLanguageModel) throws -> FeatureStore {
        try FeatureStore(embedder: ModelEmbedder(model), cacheRoot: cache)
    }

    /// The grid these options describe, with its model and data loaded: what the local run
    /// runs, and what each cluster task builds from the stored arguments.
    /// - Parameter spec: the model (one of `--model`); its label goes into every record when
    ///   the command runs several.
    public func makeGrid(model spec: String? = nil) throws -> ExperimentGrid {
        let (_, specs, seedList) = try lists()
        let spec = try spec ?? singleModel
        let m = try ModelSpec.load(spec)
        let store = try featureStore(m)
        let data: [ExperimentData] = try loadDatasets().map { DatasetExperiment(dataset: $0, store: store) }
        var grid = ExperimentGrid(model: m, datasets: data, methods: specs.map(\.description),
                                  seeds: seedList, shots: shots, epochs: epochs, outputDirectory: outputDirectory)
        grid.experimentProtocol = try experimentProtocol()
        grid.saveLearnersDirectory = saveLearners.map { ($0 as NSString).expandingTildeInPath }
        grid.loadLearnersDirectory = loadLearners.map { ($0 as NSString).expandingTildeInPath }
        grid.generalization = try studyGeneralization()
        grid.perturbations = try perturbations()
        grid.modelLabel = model.count > 1 ? spec : nil
        return grid
    }

    /// The grid's cells and order without its model: for planning and merging.
    func layout(_ datasets: [Dataset]) throws -> GridLayout {
        let (_, specs, seedList) = try lists()
        return GridLayout(datasets: datasets.map { ($0.name, DatasetExperiment.folds(of: $0)) }, methods: specs.map(\.description),
                   seeds: seedList, shots: shots, experimentProtocol: try experimentProtocol(), loadsLearners: loadLearners != nil,
                   generalization: try studyGeneralization()).with(perturbations: try perturbations())
    }

    /// Writes the report beside the tables and prints the table and where the files are (the
    /// results, on stdout; progress went to stderr): the end of every run, local or the
    /// cluster's merge job.
    func writeOutputs(_ outcome: ExperimentOutcome) throws {
        let report = outputDirectory + "/report.html"
        try ExperimentReport.make(outcome, title: "palm experiment: \(model.joined(separator: ", "))").write(to: report)
        print()
        print(ResultsTable.markdown(outcome.records), terminator: "")
        print("results, predictions and the report (\(report)) are in \(outputDirectory)")
    }
}

/// `path` with `~` expanded, made absolute against the working folder.
func absolute(_ path: String) -> String {
    let expanded = (path as NSString).expandingTildeInPath
    return expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
}
