import Datasets
import CLI
import Cluster
import Foundation
import Prompting
import Tensor
import TestSupport
import XCTest

/// A grid of zero-shot, CoOp and PALM over 2 seeds through a real one-node Slurm cluster
/// (`Scripts/slurm-local`, Debian's slurm-wlm and munge): one cell's task is cancelled, the
/// status names it, rerunning submits that cell alone, and every cell's result then equals the
/// local executor's. Needs root (slurmd launches jobs as their users); skipped without.
final class SlurmGridTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testGridOnSlurmEqualsTheLocalRunAndResubmitsOnlyACancelledCell() throws {
        guard getuid() == 0 else { throw XCTSkip("the Slurm test needs root: slurm-local starts slurmd, which launches jobs as their users") }
        let dir = try TemporaryDirectory("palm-slurm")
        let clusterDir = "/tmp/palm-slurm-test-\(getpid())"
        let slurmLocal = Self.repository.appendingPathComponent("Scripts/slurm-local").path
        let env = ["PALM_SLURM_DIR": clusterDir]
        let started = try PalmProcess.run(path: slurmLocal, ["start"], environment: env, timeout: 900)
        defer { _ = try? PalmProcess.run(path: slurmLocal, ["stop"], environment: env, timeout: 60) }
        XCTAssertEqual(started.status, 0, "Scripts/slurm-local start: \(started)")
        guard started.status == 0 else { return }
        let conf = clusterDir + "/slurm.conf"
        setenv("SLURM_CONF", conf, 1)
        defer { unsetenv("SLURM_CONF") }
        let slurmEnv = ["SLURM_CONF": conf]

        let data = try ToyAudioDataset.write(in: dir, train: 3, test: 2)
        let grid = ["--model", "pengi-random:tiny", "--dataset", "folder:\(data)", "--methods", "zeroshot,coop,palm", "--seeds", "0,1",
                    "--shots", "2", "--epochs", "2"]
        // The local executor, in this process.
        try Experiment.parse(grid + ["--out", dir.file("local"), "--cache", dir.file("cache-local")]).run()

        // On Slurm, with the cell tasks held so one of them can be cancelled before it runs.
        let out = dir.file("slurm")
        let slurm = ["experiment"] + grid + ["--out", out, "--cache", dir.file("cache-slurm"), "--executor", "slurm", "--slurm-shard", "4"]
        let submitted = try PalmProcess.run(slurm + ["--slurm-extra", "cells=--hold"], environment: slurmEnv, timeout: 120)
        XCTAssertEqual(submitted.status, 0, "\(submitted)")
        XCTAssertTrue(submitted.stdout.contains("palm status"), submitted.stdout)
        let plan = try GridPlan.read(outputDirectory: out)
        let first = try XCTUnwrap(try Submission.all(in: plan.folder).first)
        XCTAssertEqual(first.shards.count, 5, "shards of at most 4 clips of one cache file: 9 training clips in 3, 6 test clips in 2")
        XCTAssertEqual(first.tasks.count, 3, "the cheap cells in one task, each CoOp cell alone")
        let victim = try XCTUnwrap(plan.cells.first { $0.method == "coop" && $0.seed == 1 })
        let victimTask = try XCTUnwrap(first.tasks.firstIndex(of: [victim.key]))
        let cellsJob = try XCTUnwrap(first.cellsJob)
        try SlurmClient().cancel(["\(cellsJob)_\(victimTask)"])
        let released = try PalmProcess.run(path: "/usr/bin/scontrol", ["release", cellsJob], environment: slurmEnv)
        XCTAssertEqual(released.status, 0, "\(released)")

        // The status waits for the jobs, then names the cancelled cell and exits 1.
        let status = try PalmProcess.run(["status", out, "--wait"], environment: slurmEnv, timeout: 300)
        XCTAssertEqual(status.status, 1, "\(status)")
        XCTAssertTrue(status.stdout.contains("cells: 4 done, 0 running, 0 pending, 1 failed"), status.stdout)
        XCTAssertTrue(status.stdout.contains("failed: \(victim.label)"), status.stdout)

        // Rerunning the same command submits that one cell (no feature work is left) and waits.
        let rerun = try PalmProcess.run(slurm + ["--wait"], environment: slurmEnv, timeout: 300)
        XCTAssertEqual(rerun.status, 0, "\(rerun)")
        XCTAssertTrue(rerun.stdout.contains("submitted 1 cell as 1 task: cells "), rerun.stdout)
        XCTAssertTrue(rerun.stdout.contains("cells: 5 done, 0 running, 0 pending, 0 failed"), rerun.stdout)
        let second = try XCTUnwrap(try Submission.all(in: plan.folder).last)
        XCTAssertEqual(second.number, 2)
        XCTAssertEqual(second.tasks, [[victim.key]])
        XCTAssertNil(second.featuresJob)

        // Every cell equals the local run's: records (but the training time) and every prediction.
        func records(_ folder: String) throws -> [ExperimentRecord] {
            try JSONDecoder().decode([ExperimentRecord].self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/results.json"))).map {
                var r = $0
                r.trainSeconds = 0
                return r
            }
        }
        let local = try records(dir.file("local")), remote = try records(out)
        XCTAssertEqual(local.count, 5)
        for (l, r) in zip(local, remote) {
            XCTAssertEqual(l, r, "\(l.key)")
            print("cell \(l.key): accuracy local \(l.accuracy), slurm \(r.accuracy)")
        }
        XCTAssertEqual(local.count, remote.count)
        XCTAssertEqual(try String(contentsOfFile: dir.file("local/predictions.csv"), encoding: .utf8),
                       try String(contentsOfFile: out + "/predictions.csv", encoding: .utf8))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/report.html"))

        // The controller's job log shows the three stages.
        let jobs = try String(contentsOfFile: clusterDir + "/jobcomp.log", encoding: .utf8)
        for stage in ["features", "cells", "merge"] {
            XCTAssertTrue(jobs.contains("Name=palm-\(stage) JobState=COMPLETED"), "no completed palm-\(stage) job in\n\(jobs)")
        }
    }

}
