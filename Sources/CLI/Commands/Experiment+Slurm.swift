import ArgumentParser
import Cluster
import Datasets
import Foundation
import Prompting
import Support

/// `palm experiment ... --executor slurm`: the grid planned into `OUT/slurm/plan.json` and
/// submitted as job arrays (`SlurmExecutor`); every task runs `palm grid-task`, which rebuilds
/// this very command from the plan.
extension Experiment {
    func validateExecutor() throws {
        switch executor {
        case "local":
            let slurmFlags = [slurmPartition, slurmTime, slurmMem, slurmCpus, slurmAccount, slurmThrottle, slurmExtra].contains { !$0.isEmpty }
            if slurmFlags || wait { throw ValidationError("--wait and the --slurm-* options go with --executor slurm") }
        case "slurm":
            guard model.count == 1 else { throw ValidationError("--executor slurm runs one --model per grid for now; submit one grid per model") }
            _ = try slurmOptions()
            guard slurmShard > 0 else { throw ValidationError("--slurm-shard must be at least 1, found \(slurmShard)") }
        default:
            throw ValidationError("--executor \(executor): expected local or slurm")
        }
    }

    func slurmOptions() throws -> SlurmOptions {
        do {
            return try SlurmOptions(partition: slurmPartition, time: slurmTime, memory: slurmMem, cpus: slurmCpus, account: slurmAccount,
                                    throttle: slurmThrottle, extra: slurmExtra)
        } catch { throw ValidationError("\(error)") }
    }

    /// The feature cache root, absolute (tasks on other nodes must find the same one).
    var cacheRoot: String { absolute(cache ?? FeatureStore.defaultCacheRoot()) }

    /// This grid's `palm experiment` arguments for a task: the grid's own options only, with
    /// the output and the cache made absolute (tasks start in the same folder, see the plan).
    func taskArguments() -> [String] {
        var args = ["--model", model[0], "--dataset", dataset, "--methods", methods, "--seeds", seeds, "--shots", "\(shots)",
                    "--out", outputDirectory, "--cache", cacheRoot, "--protocol", `protocol`]
        if let epochs { args += ["--epochs", "\(epochs)"] }
        if let encoderMode { args += ["--encoder-mode", encoderMode] }
        if let saveLearners { args += ["--save-learners", absolute(saveLearners)] }
        if let loadLearners { args += ["--eval-only", "--load-learners", absolute(loadLearners)] }
        if let generalization { args += ["--generalization", generalization, "--class-split", classSplit] }
        if let trainOn { args += ["--train-on", trainOn] }
        if let evaluateOn { args += ["--evaluate-on", evaluateOn] }
        for spec in perturb { args += ["--perturb", spec] }
        return args
    }

    /// The plan: cells in the grid's order, and each cache file's clips cut into shards.
    func plan() throws -> GridPlan {
        let datasets = try loadDatasets()
        let cells = try layout(datasets).cells()
        var shards: [FeatureShard] = []
        for d in datasets {
            for (split, items) in FeatureStore.cacheSplits(of: d) {
                for start in stride(from: 0, to: items.count, by: slurmShard) {
                    shards.append(FeatureShard(dataset: d.name, split: split, paths: items[start..<min(start + slurmShard, items.count)].map(\.path),
                                               model: model[0], cache: cacheRoot))
                }
            }
        }
        return GridPlan(arguments: taskArguments(), workingDirectory: FileManager.default.currentDirectoryPath,
                        executable: Self.executablePath, outputDirectory: outputDirectory, cells: cells, shards: shards)
    }

    /// The running `palm` binary (jobs call it by this absolute path).
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? absolute(CommandLine.arguments[0])
    }

    func runOnSlurm() throws {
        let plan = try plan()
        var executor = SlurmExecutor(options: try slurmOptions())
        executor.log = { print($0) }
        let submission = try executor.submit(plan)
        if submission == nil {
            let status = try GridStatus.read(plan: plan, client: executor.client)
            if status.activeJobs.isEmpty {
                // Every cell is done: the merge is cheap, so it runs here.
                print("all \(plan.cells.count) cells are done")
                try writeOutputs(try GridResults(directory: outputDirectory).outcome(order: plan.cells))
                return
            }
            print("nothing to submit: the unfinished cells are held by jobs still queued (\(status.activeJobs.joined(separator: ", ")))")
        }
        guard wait else {
            print("palm status \(Shell.quote(outputDirectory)) shows where it stands; rerun this command with --wait to wait for it")
            return
        }
        Interrupt.install(secondPressExits: true)
        let status = try executor.wait(plan, shouldStop: { Interrupt.requested }, show: Status.showWaiting)
        if Interrupt.requested && !status.activeJobs.isEmpty {
            print("stopped waiting; the jobs go on (palm status \(Shell.quote(outputDirectory)))")
            throw ExitCode(130)
        }
        try Status.finish(status, plan: plan)
    }
}
