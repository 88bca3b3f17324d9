import Cluster
import Prompting
import XCTest

/// The executor's parts that need no cluster: per-stage sbatch options, the job scripts, and
/// how cells are batched into tasks.
final class SlurmOptionsTests: XCTestCase {
    func testStageValuesOverrideGeneralOnesWhateverTheOrder() throws {
        let o = try SlurmOptions(partition: ["cells=gpu", "cpu"], time: ["1:00:00", "cells=1-00:00:00"], memory: ["merge=2G"],
                                 cpus: ["4", "merge=1"], throttle: ["cells=8"], extra: ["cells=--qos=long --exclusive"])
        XCTAssertEqual(o[.features].sbatchArguments, ["--partition=cpu", "--time=1:00:00", "--cpus-per-task=4"])
        XCTAssertEqual(o[.cells].sbatchArguments, ["--partition=gpu", "--time=1-00:00:00", "--cpus-per-task=4", "--qos=long", "--exclusive"])
        XCTAssertEqual(o[.cells].throttle, 8)
        XCTAssertNil(o[.features].throttle)
        XCTAssertEqual(o[.merge].sbatchArguments, ["--partition=cpu", "--time=1:00:00", "--mem=2G", "--cpus-per-task=1"])
        // A value with '=' that is not a stage stays whole.
        XCTAssertEqual(try SlurmOptions(extra: ["--constraint=avx512"])[.cells].extra, ["--constraint=avx512"])
    }

    func testBadValuesNameTheFlag() {
        for (make, flag) in [({ try SlurmOptions(cpus: ["zero"]) }, "--slurm-cpus"), ({ try SlurmOptions(throttle: ["cells=-1"]) }, "--slurm-throttle"),
                             ({ try SlurmOptions(time: ["cells="]) }, "--slurm-time")] as [(() throws -> SlurmOptions, String)] {
            XCTAssertThrowsError(try make()) { XCTAssertTrue("\($0)".contains(flag), "\($0)") }
        }
    }

    static func plan(out: String = "/shared/out dir") throws -> GridPlan {
        let layout = GridLayout(datasets: [("A", [1, 2]), ("B", [0])], methods: ["zeroshot", "coop:n_ctx=2", "palm"], seeds: [0, 1], shots: 16)
        return GridPlan(arguments: ["--model", "demo", "--cache", "/shared/cache"], workingDirectory: "/home/me", executable: "/opt/palm/bin/palm",
                        outputDirectory: out, cells: try layout.cells(),
                        shards: [FeatureShard(dataset: "A", split: "A-fold1", paths: ["/d/1.wav", "/d/2.wav"], model: "demo", cache: "/shared/cache")])
    }

    /// Cheap cells (zero-shot, PALM) of a dataset share one task; CoOp cells run alone.
    func testCheapCellsOfADatasetShareATask() throws {
        let plan = try Self.plan()
        XCTAssertEqual(plan.cells.count, 2 * (1 + 2 + 2) + (1 + 2 + 2))
        let tasks = plan.tasks(for: Set(plan.cells.map(\.key)))
        let methods = tasks.map { $0.map { plan.cell($0)!.method } }
        XCTAssertEqual(methods.filter { $0.contains("coop:n_ctx=2") }.map(\.count), [1, 1, 1, 1, 1, 1], "one CoOp cell per task")
        XCTAssertEqual(methods.filter { !$0.contains("coop:n_ctx=2") }.map(\.count), [6, 3], "A's 6 cheap cells, B's 3")
        XCTAssertEqual(Set(tasks.flatMap { $0 }), Set(plan.cells.map(\.key)), "every cell in exactly one task")
        XCTAssertEqual(tasks.flatMap { $0 }.count, plan.cells.count)
        // Only the missing ones when resubmitting.
        let one = plan.cells.first { $0.method == "coop:n_ctx=2" && $0.seed == 1 }!
        XCTAssertEqual(plan.tasks(for: [one.key]), [[one.key]])
    }

    func testJobScriptCallsTheTaskByAbsolutePath() throws {
        var options = StageOptions()
        options.partition = "short"
        options.throttle = 3
        let text = JobScript(stage: .cells, arrayCount: 5, options: options, plan: try Self.plan(), submission: 2).text
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "#!/bin/bash")
        for expected in ["#SBATCH --job-name=palm-cells", "#SBATCH --chdir=/home/me", "#SBATCH --array=0-4%3", "#SBATCH --partition=short",
                         "#SBATCH --output='/shared/out dir/slurm/logs/cells-%A_%a.out'",
                         "exec /opt/palm/bin/palm grid-task '/shared/out dir' --stage cells --submission 2 --index \"$SLURM_ARRAY_TASK_ID\""] {
            XCTAssertTrue(lines.contains(expected), "missing \(expected) in\n\(text)")
        }
        // Every #SBATCH line comes before the first command (sbatch stops reading at it).
        let firstCommand = lines.firstIndex { !$0.hasPrefix("#") }!
        XCTAssertFalse(lines[firstCommand...].contains { $0.hasPrefix("#SBATCH") })
        let merge = JobScript(stage: .merge, arrayCount: nil, options: StageOptions(), plan: try Self.plan(), submission: 2).text
        XCTAssertFalse(merge.contains("--array") || merge.contains("--index"), merge)
        XCTAssertTrue(merge.contains("merge-%j.out"), merge)
    }

    func testShellQuoting() {
        XCTAssertEqual(Shell.quote("/a/b-c_d.e"), "/a/b-c_d.e")
        XCTAssertEqual(Shell.quote("it's here"), "'it'\\''s here'")
        XCTAssertEqual(Shell.quote(""), "''")
        XCTAssertEqual(Shell.quote("$HOME"), "'$HOME'")
    }
}
