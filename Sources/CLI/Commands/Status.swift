import ArgumentParser
import Cluster
import Foundation
import Support

/// `palm status OUT [--wait]`: where a grid submitted with `--executor slurm` stands, read from
/// its result files and from squeue/sacct (sacct only where accounting is enabled).
public struct Status: ParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Show where a grid submitted with --executor slurm stands: cells done, running, pending, failed.")

    @Argument(help: "The experiment's output folder.") var out: String
    @Flag(help: "Wait until no job of the grid is queued or running.") var wait = false

    public init() {}

    public func run() throws {
        let plan = try GridPlan.read(outputDirectory: absolute(out))
        let client = SlurmClient()
        let status: GridStatus
        if wait {
            status = try SlurmExecutor().wait(plan, shouldStop: { Interrupt.requested }, show: Status.showWaiting)
        } else {
            status = try GridStatus.read(plan: plan, client: client)
            print(status.progressLine)
            if !status.activeJobs.isEmpty { print("jobs queued or running: \(status.activeJobs.joined(separator: ", "))") }
        }
        try Self.finish(status, plan: plan)
    }

    /// Shows the grid's status line while waiting for its jobs: each change on stderr (redrawn
    /// in place on a terminal, a line each otherwise), the final one on stdout, as the result.
    static func showWaiting(_ line: String, final: Bool) {
        let terminal = isatty(STDERR_FILENO) != 0
        if final {
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            print(line)
        } else {
            FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
        }
    }

    /// Names every failed cell and feature task with its log; exits 1 when there is one.
    static func finish(_ status: GridStatus, plan: GridPlan) throws {
        for (shard, log) in status.failedShards {
            let s = plan.shards[shard]
            print("failed: feature shard \(shard) (\(s.split), \(s.paths.count) clips): see \(log)")
        }
        for (cell, state) in status.failed {
            guard case let .failed(reason, log) = state else { continue }
            let started = FileManager.default.fileExists(atPath: log)
            print("failed: \(cell.label)" + (reason.map { " (\($0))" } ?? "")
                  + (started ? ": see \(log)" : ": its task never started (a feature task failed, or it was cancelled while pending)"))
        }
        if !status.failed.isEmpty || !status.failedShards.isEmpty {
            print("rerun the same palm experiment command to submit only what failed")
            throw ExitCode.failure
        }
        if status.activeJobs.isEmpty {
            if status.done == plan.cells.count {
                print("all \(plan.cells.count) cells are done; results in \(plan.outputDirectory)")
            } else {
                print("\(plan.cells.count - status.done) cells were never submitted: rerun the palm experiment command")
                throw ExitCode.failure
            }
        }
    }
}
