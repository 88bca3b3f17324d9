import Foundation
import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// Per-clip predictions: every test clip of every cell in `predictions.csv`, consistent with the
/// cell's accuracy, kept across a resumed grid.
final class PredictionsTests: XCTestCase {
    func testGridWritesEveryClipAndResumesWithThem() throws {
        let model = try CoOpFixture.model()
        var g = SeededGenerator(seed: 4)
        let classes = ["dog, barking", "rain"]  // a comma in a class name must survive the CSV
        let x = Tensor.normal([10, model.dimension], generator: &g)
        let labels = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]
        let paths = (0..<10).map { "/data/clip \($0).wav" }
        let set = try FeatureSet(features: x, labels: labels, classNames: classes, paths: paths)
        let data = StaticExperimentData(name: "toy", classNames: classes, train: set, test: set)
        let dir = try TemporaryDirectory("palm-predictions")
        let first = ExperimentGrid(model: model, datasets: [data], methods: ["zeroshot", "palm"], seeds: [0, 1], shots: 0, epochs: 2,
                                   outputDirectory: dir.path)
        try first.run()
        // Resuming with one more method computes only its cells and keeps the earlier predictions.
        let second = ExperimentGrid(model: model, datasets: [data], methods: ["zeroshot", "palm", "coop:n_ctx=2,epochs=1"], seeds: [0, 1],
                                    shots: 0, epochs: 2, outputDirectory: dir.path)
        let outcome = try second.run()
        // The tables follow the grid's order (dataset, fold, seed, method), whatever ran first.
        XCTAssertEqual(outcome.records.map(\.method), ["zeroshot", "palm", "coop:n_ctx=2,epochs=1", "palm", "coop:n_ctx=2,epochs=1"])
        let cellFiles = try FileManager.default.contentsOfDirectory(atPath: dir.file("cells")).filter { $0.hasSuffix(".json") }
        XCTAssertEqual(cellFiles.count, 5, "one file per finished cell: \(cellFiles)")
        XCTAssertEqual(outcome.predictions.map(\.key), outcome.records.map(\.key), "one predictions cell per record, in order")
        for (r, cell) in zip(outcome.records, outcome.predictions) {
            XCTAssertEqual(Evaluator.metrics(predictions: cell.predicted, labels: cell.labels, classNames: cell.classNames).accuracy, r.accuracy,
                           accuracy: 1e-12, "\(r.key): the predictions are the record's")
            XCTAssertEqual(cell.paths, paths)
        }

        let csv = try String(contentsOfFile: dir.file("predictions.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(csv.first, "dataset,fold,method,seed,path,label,predicted")
        XCTAssertEqual(csv.count, 1 + 5 * 10, "one row per test clip and cell")
        let cocoopRows = csv.filter { $0.contains("\"coop:n_ctx=2,epochs=1\"") }
        XCTAssertEqual(cocoopRows.count, 20, "a spec with commas is one quoted field")
        XCTAssertTrue(csv[1].hasPrefix("toy,0,zeroshot,0,/data/clip 0.wav,\"dog, barking\","), csv[1])
        // results.csv quotes the same way.
        let results = try String(contentsOfFile: dir.file("results.csv"), encoding: .utf8)
        XCTAssertTrue(results.contains("toy,\"coop:n_ctx=2,epochs=1\",0,0,0,"), results)

        // A cell file moved away is the one cell that runs again; the others are kept as they were.
        let palmSeed1 = try XCTUnwrap(second.cells().first { $0.method == "palm" && $0.seed == 1 })
        let kept = try Data(contentsOf: URL(fileURLWithPath: GridResults(directory: dir.path).cellFile(second.cells()[0])))
        try FileManager.default.removeItem(atPath: GridResults(directory: dir.path).cellFile(palmSeed1))
        var ran: [String] = []
        var third = second
        third.log = { ran.append($0) }
        let again = try third.run()
        XCTAssertEqual(ran.count, 1, "only the missing cell runs: \(ran)")
        XCTAssertTrue(ran.first?.contains("seed 1 palm") ?? false, "\(ran)")
        XCTAssertEqual(again.records.map(\.key), outcome.records.map(\.key))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: GridResults(directory: dir.path).cellFile(second.cells()[0]))), kept)
    }

    /// A folder written before cell files (records in results.json, predictions in
    /// predictions/) resumes: its cells are migrated and not run again.
    func testLegacyFolderMigratesToCellFiles() throws {
        let model = try CoOpFixture.model()
        var g = SeededGenerator(seed: 5)
        let classes = ["a", "b"]
        let set = try FeatureSet(features: Tensor.normal([6, model.dimension], generator: &g), labels: [0, 1, 0, 1, 0, 1], classNames: classes)
        let data = StaticExperimentData(name: "toy", classNames: classes, train: set, test: set)
        let dir = try TemporaryDirectory("palm-legacy")
        let grid = ExperimentGrid(model: model, datasets: [data], methods: ["zeroshot"], seeds: [0], shots: 0, outputDirectory: dir.path)
        let first = try grid.run()
        // Rewrite the folder as an older palm left it.
        try FileManager.default.removeItem(atPath: dir.file("cells"))
        try FileManager.default.createDirectory(atPath: dir.file("predictions"), withIntermediateDirectories: true)
        try JSONEncoder().encode(first.predictions[0]).write(to: URL(fileURLWithPath: dir.file("predictions/toy-zeroshot.json")))
        var ran: [String] = []
        var again = grid
        again.log = { ran.append($0) }
        let resumed = try again.run()
        XCTAssertEqual(ran, [], "the migrated cell is finished")
        XCTAssertEqual(resumed.records, first.records)
        XCTAssertEqual(resumed.predictions, first.predictions)
        XCTAssertTrue(FileManager.default.fileExists(atPath: GridResults(directory: dir.path).cellFile(try grid.cells()[0])))
    }
}
