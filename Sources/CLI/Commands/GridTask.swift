import ArgumentParser
import Cluster
import Datasets
import Foundation
import Models
import Prompting
import Support

/// `palm grid-task OUT --stage features|cells|merge --submission N [--index I]`: one task of a
/// grid submitted with `--executor slurm` (the job scripts call it; hidden from help). It
/// rebuilds the grid from the arguments stored in `OUT/slurm/plan.json`, so a task runs
/// exactly what the local executor runs for the same cells.
public struct GridTask: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "grid-task", abstract: "Run one task of a grid submitted with --executor slurm (called by its job scripts).",
        shouldDisplay: false)

    @Argument(help: "The experiment's output folder.") var out: String
    @Option(help: "features, cells or merge.") var stage: String
    @Option(help: "The submission the task belongs to (OUT/slurm/submit-N).") var submission: Int
    @Option(help: "The task's index in its job array.") var index: Int?

    public init() {}

    public func run() throws {
        guard let stage = GridStage(rawValue: stage) else { throw ValidationError("--stage \(stage): expected features, cells or merge") }
        let plan = try GridPlan.read(outputDirectory: absolute(out))
        guard let record = try Submission.all(in: plan.folder).first(where: { $0.number == submission }) else {
            throw ValidationError("\(plan.folder)/submissions.json: no submission \(submission)")
        }
        let experiment: Experiment
        do { experiment = try Experiment.parse(plan.arguments) } catch {
            throw ValidationError("\(GridPlan.file(in: plan.outputDirectory)): its arguments no longer parse: \(Experiment.message(for: error))")
        }
        func task(_ count: Int) throws -> Int {
            guard let index, (0..<count).contains(index) else {
                throw ValidationError("--index \(index.map(String.init) ?? "missing"): submission \(submission) has \(count) \(stage.rawValue) task(s)")
            }
            return index
        }
        switch stage {
        case .features:
            let shardIndex = record.shards[try task(record.shards.count)]
            let shard = plan.shards[shardIndex]
            guard let dataset = try experiment.loadDatasets().first(where: { $0.name == shard.dataset }) else {
                throw ValidationError("no dataset named \(shard.dataset) in the plan's --dataset")
            }
            let wanted = Set(shard.paths.map { Array($0.utf8) })
            let items = FeatureStore.cacheSplits(of: dataset).first { $0.split == shard.split }?.items.filter { wanted.contains(Array($0.path.utf8)) } ?? []
            guard items.count == shard.paths.count else {
                throw ValidationError("\(shard.dataset) no longer lists \(shard.paths.count - items.count) of the shard's clips; submit the grid again")
            }
            let store = try experiment.featureStore(try ModelSpec.load(experiment.singleModel))
            let computed = try store.precompute(items: items, split: shard.split)
            try AtomicFile.write("\(computed) computed, \(items.count - computed) cached\n", to: plan.shardMarker(index: shardIndex),
                                 createDirectory: true)
            print("\(shard.split): \(items.count) clips, \(computed) embedded")
        case .cells:
            let keys = record.tasks[try task(record.tasks.count)]
            let grid = try experiment.makeGrid()
            try grid.run(only: Set(keys), writeTables: false)
            let finished = try GridResults(directory: plan.outputDirectory).load()
            let missing = keys.filter { finished[$0] == nil }
            guard missing.isEmpty else { throw ValidationError("no result for \(missing.joined(separator: "; "))") }
        case .merge:
            let layout = try experiment.layout(try experiment.loadDatasets())
            let results = GridResults(directory: plan.outputDirectory)
            let outcome = try results.outcome(order: try layout.cells())
            try results.writeTables(outcome)
            try experiment.writeOutputs(outcome)
        }
    }
}
