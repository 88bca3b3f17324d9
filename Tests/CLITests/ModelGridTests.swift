import CLI
import Foundation
import Prompting
import TestSupport
import XCTest

/// A grid over several models (of different families) from the command line: one table over models and methods, each
/// record naming its model, each model's cells as its own single-model run gives them.
final class ModelGridTests: XCTestCase {
    func testZeroShotCoOpAndPALMOverTwoModels() throws {
        let dir = try TemporaryDirectory("palm-models")
        let data = try ToyAudioDataset.write(in: dir)
        let common = ["--dataset", "folder:\(data)", "--methods", "zeroshot,coop:n_ctx=2,palm", "--seeds", "0", "--shots", "2", "--epochs", "1",
                      "--cache", dir.file("cache")]
        // Two families (random weights): PENGI (HTSAT + CLIP) and MS-CLAP 2022 (CNN14 + BERT).
        let models = ["pengi-random:tiny:1", "msclap-2022-random:tiny:1"]
        try Experiment.parse(common + ["--model", models[0], "--model", models[1], "--out", dir.file("both")]).run()
        func records(_ folder: String) throws -> [ExperimentRecord] {
            try JSONDecoder().decode([ExperimentRecord].self, from: Data(contentsOf: URL(fileURLWithPath: dir.file(folder + "/results.json"))))
        }
        let both = try records("both")
        XCTAssertEqual(both.map(\.model), [models[0], models[0], models[0], models[1], models[1], models[1]])
        XCTAssertEqual(both.map(\.method), ["zeroshot", "coop:n_ctx=2", "palm", "zeroshot", "coop:n_ctx=2", "palm"])
        let table = try String(contentsOfFile: dir.file("both/table.md"), encoding: .utf8)
        for m in models { XCTAssertTrue(table.contains("| data · \(m) |"), table) }
        XCTAssertTrue(try String(contentsOfFile: dir.file("both/results.csv"), encoding: .utf8).hasPrefix(
            "dataset,method,seed,fold,shots,accuracy,macro_f1,train_seconds,parameters,model\n"))

        // Each model's cells are what a run of that model alone gives.
        try Experiment.parse(common + ["--model", models[1], "--out", dir.file("one")]).run()
        let alone = try records("one")
        XCTAssertEqual(both.filter { $0.model == models[1] }.map(\.accuracy), alone.map(\.accuracy))
        XCTAssertNil(alone[0].model, "a single-model grid names no model")

        XCTAssertThrowsError(try Experiment.parse(common + ["--model", models[0], "--model", models[0], "--out", dir.file("x")])) {
            XCTAssertTrue(Experiment.message(for: $0).contains("each model once"), Experiment.message(for: $0))
        }
        XCTAssertThrowsError(try Experiment.parse(common + ["--model", models[0], "--model", models[1], "--out", dir.file("x"), "--executor", "slurm"])) {
            XCTAssertTrue(Experiment.message(for: $0).contains("one --model per grid"), Experiment.message(for: $0))
        }
    }
}
