import Foundation
import Support

/// Runs a planned grid as Slurm jobs: the feature shards as one job array, the cells as a
/// second array that starts when every shard succeeded (`afterok`), and a merge job once the
/// cells are over (`afterany`, so the tables show whatever finished).
///
/// Submitting again submits only what is left: cells without a result that no queued task
/// holds, and shards without their marker. Each submission's scripts stay in
/// `OUT/slurm/submit-N/` with a `submit.sh` that submits the same chain by hand.
public struct SlurmExecutor {
    public var client = SlurmClient()
    public var options: SlurmOptions
    /// Where the executor says what it submits.
    public var log: (String) -> Void = { print($0) }

    public init(options: SlurmOptions = SlurmOptions()) { self.options = options }

    /// Submits the unfinished part of `plan`; nil when nothing was left to submit (every cell
    /// done, or held by tasks still queued).
    public func submit(_ plan: GridPlan) throws -> Submission? {
        if let old = try? GridPlan.read(outputDirectory: plan.outputDirectory), !old.isSameGrid(as: plan) {
            let active = try GridStatus.read(plan: old, client: client).activeJobs
            guard active.isEmpty else {
                throw ClusterError.invalid("\(plan.outputDirectory): jobs \(active.joined(separator: ", ")) of a different grid are still queued there; wait for them, scancel them, or choose another --out")
            }
        }
        try plan.write()
        let status = try GridStatus.read(plan: plan, client: client)
        let toRun = status.cells.filter { $0.state != .done && $0.state != .running && $0.state != .pending }.map(\.cell.key)
        guard !toRun.isEmpty else { return nil }

        var submissions = try Submission.all(in: plan.folder)
        // Feature jobs of earlier submissions still queued keep their shards; new cells wait for them too.
        let olderFeatures = submissions.filter { $0.featuresJob.map(status.activeJobs.contains) ?? false }
        let queuedShards = Set(olderFeatures.flatMap(\.shards))
        let shards = plan.shards.indices.filter { !queuedShards.contains($0) && !FileManager.default.fileExists(atPath: plan.shardMarker(index: $0)) }
        var submission = Submission(number: (submissions.last?.number ?? 0) + 1, shards: shards, tasks: plan.tasks(for: Set(toRun)))
        let dir = submission.folder(in: plan.folder)
        try FileManager.default.createDirectory(atPath: plan.folder + "/logs", withIntermediateDirectories: true)
        func script(_ stage: GridStage, count: Int?) throws -> String {
            let path = "\(dir)/\(stage.rawValue).sh"
            try AtomicFile.write(JobScript(stage: stage, arrayCount: count, options: options[stage], plan: plan, submission: submission.number).text,
                                 to: path, createDirectory: true)
            chmod(path, 0o755)
            return path
        }
        let features = shards.isEmpty ? nil : try script(.features, count: shards.count)
        let cells = try script(.cells, count: submission.tasks.count)
        let merge = try script(.merge, count: nil)
        // The older cell jobs still running also feed the tables.
        let olderCells = submissions.compactMap(\.cellsJob).filter(status.activeJobs.contains)
        try writeSubmitScript(dir: dir, hasFeatures: features != nil, olderCells: olderCells)

        // Tasks read their share from the record, so it is saved before the first job exists.
        submissions.append(submission)
        try Submission.save(submissions, in: plan.folder)
        func record() throws {
            submissions[submissions.count - 1] = submission
            try Submission.save(submissions, in: plan.folder)
        }
        if let features {
            submission.featuresJob = try client.submit(features)
            try record()
        }
        let featureJobs = ([submission.featuresJob] + olderFeatures.map(\.featuresJob)).compactMap { $0 }
        submission.cellsJob = try client.submit(cells, arguments: featureJobs.isEmpty ? [] : [
            "--dependency=afterok:" + featureJobs.joined(separator: ":"), "--kill-on-invalid-dep=yes"])
        try record()
        submission.mergeJob = try client.submit(merge, arguments: ["--dependency=afterany:" + ([submission.cellsJob!] + olderCells).joined(separator: ":")])
        try record()
        log("submitted \(toRun.count) cell\(toRun.count == 1 ? "" : "s") as \(submission.tasks.count) task\(submission.tasks.count == 1 ? "" : "s")"
            + (features == nil ? "" : " after \(shards.count) feature shard\(shards.count == 1 ? "" : "s")")
            + ": " + [submission.featuresJob.map { "features \($0)" }, submission.cellsJob.map { "cells \($0)" }, submission.mergeJob.map { "merge \($0)" }]
                .compactMap { $0 }.joined(separator: ", "))
        log("job scripts: \(dir); logs: \(plan.folder)/logs")
        return submission
    }

    private func writeSubmitScript(dir: String, hasFeatures: Bool, olderCells: [String]) throws {
        var lines = ["#!/bin/bash",
                     "# Submits this folder's jobs the way palm did: features, then cells once every feature task",
                     "# succeeded, then the merge once the cells are over.",
                     "set -euo pipefail",
                     "cd \"$(dirname \"$0\")\""]
        if hasFeatures {
            lines.append("features=$(sbatch --parsable features.sh)")
            lines.append("cells=$(sbatch --parsable --dependency=afterok:$features --kill-on-invalid-dep=yes cells.sh)")
        } else {
            lines.append("cells=$(sbatch --parsable cells.sh)")
        }
        lines.append("sbatch --parsable --dependency=afterany:$cells\(olderCells.map { ":" + $0 }.joined()) merge.sh")
        let path = dir + "/submit.sh"
        try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: path)
        chmod(path, 0o755)
    }

    /// Polls until no job of the grid is queued or running, showing the progress line when it
    /// changes (redrawn in place on a terminal); returns the final status.
    /// - Parameter shouldStop: checked between polls (Ctrl-C): the jobs go on regardless.
    public func wait(_ plan: GridPlan, poll: TimeInterval = 2, shouldStop: () -> Bool = { false },
                     show: (String, _ final: Bool) -> Void) throws -> GridStatus {
        var last = ""
        while true {
            let status = try GridStatus.read(plan: plan, client: client)
            let line = status.progressLine
            let over = status.activeJobs.isEmpty
            if line != last || over { show(line, over) }
            last = line
            if over || shouldStop() { return status }
            Thread.sleep(forTimeInterval: poll)
        }
    }
}
