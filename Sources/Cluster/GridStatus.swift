import Foundation
import Prompting

/// Where a grid on a cluster stands: every cell done (its result file exists), running,
/// pending, failed or never submitted, read from the grid's own files and from Slurm.
///
/// The result files decide what is done, so the status is right wherever Slurm's memory ends:
/// `squeue` forgets finished jobs after a few minutes and `sacct` exists only where
/// accounting is enabled. A cell without a result whose task is no longer queued has failed
/// (it exited with an error, was cancelled, ran out of time or lost its node): nothing partial
/// is ever taken for a result, since cell files appear whole or not at all.
public struct GridStatus: Sendable {
    public enum CellState: Sendable, Equatable {
        case done, running, pending
        /// With the reason when Slurm still knows it, and the task's log.
        case failed(reason: String?, log: String)
        case notSubmitted
    }

    public var cells: [(cell: GridCell, state: CellState)]
    /// Feature shards done (marker written) and in all.
    public var shardsDone: Int
    public var shardsTotal: Int
    /// A feature task that failed, with its log (the cells after it never start).
    public var failedShards: [(shard: Int, log: String)]
    /// Jobs of the grid still queued or running.
    public var activeJobs: [String]

    public func count(_ predicate: (CellState) -> Bool) -> Int { cells.filter { predicate($0.state) }.count }
    public var done: Int { count { $0 == .done } }
    public var running: Int { count { $0 == .running } }
    public var pending: Int { count { $0 == .pending } }
    public var failed: [(cell: GridCell, state: CellState)] { cells.filter { if case .failed = $0.state { return true }; return false } }
    public var notSubmitted: Int { count { $0 == .notSubmitted } }

    /// "cells: 3 done, 1 running, 2 pending, 0 failed (features: 2/2 shards)".
    public var progressLine: String {
        var line = "cells: \(done) done, \(running) running, \(pending) pending, \(failed.count) failed"
        if notSubmitted > 0 { line += ", \(notSubmitted) not submitted" }
        if shardsTotal > 0 && shardsDone < shardsTotal { line += " (features: \(shardsDone)/\(shardsTotal) shards)" }
        return line
    }

    /// Reads the status of the grid planned in `plan`.
    public static func read(plan: GridPlan, client: SlurmClient) throws -> GridStatus {
        let submissions = try Submission.all(in: plan.folder)
        let jobs = submissions.flatMap(\.jobs)
        // Queue first, files second: a task that finishes in between has written its files
        // before it left the queue, so it is never taken for failed.
        let queued = try client.queue(jobs: jobs)
        // Jobs squeue has forgotten are asked of accounting (nil where it is disabled).
        let forgotten = jobs.filter { job in !queued.keys.contains { $0 == job || $0.hasPrefix(job + "_") } }
        let known = queued.merging(client.accounting(jobs: forgotten) ?? [:]) { fromQueue, _ in fromQueue }
        let finished = Set(try GridResults(directory: plan.outputDirectory).load().keys)
        /// A task's state, or its array's when Slurm reports the array as a whole.
        func state(_ job: String, task: Int) -> TaskState? { known["\(job)_\(task)"] ?? known[job] }

        // The latest submission that holds a cell decides its state.
        var taskOfCell: [String: (job: String, task: Int)] = [:]
        for s in submissions {
            guard let job = s.cellsJob else { continue }
            for (i, keys) in s.tasks.enumerated() { for k in keys { taskOfCell[k] = (job, i) } }
        }
        var cells: [(GridCell, CellState)] = []
        for cell in plan.cells {
            if finished.contains(cell.key) { cells.append((cell, .done)); continue }
            guard let (job, task) = taskOfCell[cell.key] else { cells.append((cell, .notSubmitted)); continue }
            let log = JobScript.logFile(.cells, folder: plan.folder, job: job, task: task)
            switch state(job, task: task) {
            case .pending?: cells.append((cell, .pending))
            case .running?: cells.append((cell, .running))
            case .completed?: cells.append((cell, .failed(reason: "its task ended without its result", log: log)))
            case let .failed(reason)?: cells.append((cell, .failed(reason: reason, log: log)))
            case nil: cells.append((cell, .failed(reason: nil, log: log)))
            }
        }
        let done = Set(plan.shards.indices.filter { FileManager.default.fileExists(atPath: plan.shardMarker(index: $0)) })
        var failedShards: [(Int, String)] = []
        if let last = submissions.last, let job = last.featuresJob {
            for (i, shard) in last.shards.enumerated() where !done.contains(shard) {
                if let s = state(job, task: i), s.isActive { continue }
                failedShards.append((shard, JobScript.logFile(.features, folder: plan.folder, job: job, task: i)))
            }
        }
        let active = Set(known.filter(\.value.isActive).keys.map { String($0.split(separator: "_").first ?? Substring($0)) })
        return GridStatus(cells: cells, shardsDone: done.count, shardsTotal: plan.shards.count, failedShards: failedShards,
                          activeJobs: jobs.filter(active.contains))
    }
}

extension GridPlan {
    /// The file a feature task leaves when shard `index` is in the store.
    public func shardMarker(index: Int) -> String { "\(folder)/features/\(shards[index].identity).done" }
}
