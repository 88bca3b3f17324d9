import ArgumentParser
import Datasets
import Foundation
import Models
import Prompting
import Support

/// `palm experiment --model SPEC --dataset LAYOUT:ROOT[,...] --methods LIST --seeds LIST
/// --shots K [--epochs N] --out DIR`: the experiment grid from the shell, through the code path
/// scripts use. Interrupted runs resume (finished cells are skipped).
struct Experiment: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a datasets x methods x seeds x folds grid and print the table.")

    @Option(help: "Model: \(ModelSpec.forms.joined(separator: ", ")).") var model: String
    @Option(help: "Datasets as LAYOUT:ROOT, comma-separated (e.g. esc50:~/data/ESC-50).") var dataset: String
    @Option(help: "Methods, comma-separated: \(Methods.all.joined(separator: ", ")).") var methods = Methods.paper.joined(separator: ",")
    @Option(help: "Seeds, comma-separated.") var seeds = "0,1,2"
    @Option(help: "Shots per class.") var shots = 16
    @Option(help: "Epochs (default: each method's own, 50 for the paper's methods).") var epochs: Int?
    @Option(help: "Output folder for results.json, results.csv and table.md.") var out: String
    @Option(help: "Feature cache folder (default $PALM_CACHE or ~/.cache/palm).") var cache: String?

    func run() throws {
        let m = try ModelSpec.load(model)
        let store = try FeatureStore(embedder: ModelEmbedder(m), cacheRoot: cache)
        let data: [ExperimentData] = try dataset.split(separator: ",").map { spec in
            guard let colon = spec.firstIndex(of: ":") else {
                throw ValidationError("--dataset wants LAYOUT:ROOT, got '\(spec)'")
            }
            // LAYOUT may itself hold a colon (palm:ESC50): the root is after the last one.
            let cut = spec[spec.index(after: colon)...].contains(":") ? spec.lastIndex(of: ":")! : colon
            let layout = String(spec[..<cut]), root = (String(spec[spec.index(after: cut)...]) as NSString).expandingTildeInPath
            return DatasetExperiment(dataset: try Dataset.load(layout, root: root), store: store)
        }
        let seedList = try seeds.split(separator: ",").map { s -> UInt64 in
            guard let v = UInt64(s) else { throw ValidationError("--seeds wants integers, got '\(s)'") }
            return v
        }
        var grid = ExperimentGrid(model: m, datasets: data, methods: methods.split(separator: ",").map(String.init),
                                  seeds: seedList, shots: shots, epochs: epochs, outputDirectory: (out as NSString).expandingTildeInPath)
        grid.shouldStop = { Interrupt.requested }
        Interrupt.install(secondPressExits: true)
        let records = try grid.run()
        print()
        print(ResultsTable.markdown(records), terminator: "")
        if Interrupt.requested { print("interrupted: rerun the same command to resume"); throw ExitCode(130) }
    }
}
