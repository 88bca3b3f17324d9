import CLI
import Foundation
import Prompting
import TestSupport
import XCTest

/// `palm experiment --generalization base-to-novel [--class-split RULE]` from the shell.
final class GeneralizationOptionTests: XCTestCase {
    func testBaseToNovelFromTheCommandLine() throws {
        let dir = try TemporaryDirectory("palm-generalization")
        let data = try RegistryTests.makeDataset(in: dir)
        let common = ["--model", "pengi-random:tiny", "--dataset", "folder:\(data)", "--methods", "zeroshot,palm", "--seeds", "0",
                      "--shots", "2", "--epochs", "1", "--cache", dir.file("cache")]
        try Experiment.parse(common + ["--out", dir.file("out"), "--generalization", "base-to-novel", "--class-split", "seeded=4"]).run()
        let records = try JSONDecoder().decode([ExperimentRecord].self, from: Data(contentsOf: URL(fileURLWithPath: dir.file("out/results.json"))))
        XCTAssertEqual(records.map(\.condition), Array(repeating: ["base", "novel", "all", "harmonic"], count: 2).flatMap { $0 })
        XCTAssertTrue(try String(contentsOfFile: dir.file("out/table.md"), encoding: .utf8).contains("[harmonic]"))

        for (args, message) in [(["--class-split", "seeded=4"], "--class-split goes with --generalization"),
                                (["--generalization", "sideways"], "expected base-to-novel"),
                                (["--generalization", "base-to-novel", "--class-split", "thirds"], "half or seeded=N"),
                                (["--train-on", "data"], "go with --generalization cross-dataset"),
                                (["--generalization", "cross-dataset", "--train-on", "data"], "--evaluate-on")] {
            XCTAssertThrowsError(try Experiment.parse(common + ["--out", dir.file("x")] + args)) {
                XCTAssertTrue(Experiment.message(for: $0).contains(message), Experiment.message(for: $0))
            }
        }
    }
}
