import Foundation
import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// CoCoOp's base-to-novel protocol: the class split, and a grid that trains on base classes
/// and reports base, novel, all and their harmonic mean, with each method's fallback named.
final class BaseToNovelTests: XCTestCase {
    func testHalfSplitTakesTheFirstHalfInOrder() throws {
        let split = try ClassSplit(classes: ["a", "b", "c", "d", "e"], rule: .half)
        XCTAssertEqual(split.base, ["a", "b", "c"], "the larger half when odd, as CoCoOp's ceil(n / 2)")
        XCTAssertEqual(split.novel, ["d", "e"])
        XCTAssertThrowsError(try ClassSplit(classes: ["only"]))
    }

    func testSeededSplitIsDeterministicAndVaries() throws {
        let classes = (0..<10).map { "c\($0)" }
        let a = try ClassSplit(classes: classes, rule: .seeded(1)), again = try ClassSplit(classes: classes, rule: .seeded(1))
        XCTAssertEqual(a, again)
        XCTAssertEqual(a.base.count, 5)
        XCTAssertEqual(Set(a.base + a.novel), Set(classes))
        XCTAssertEqual(a.base, classes.filter(a.base.contains), "base keeps the dataset's order")
        let others = try (2..<6).map { try ClassSplit(classes: classes, rule: .seeded($0)).base }
        XCTAssertTrue(others.contains { $0 != a.base }, "another seed, another split")
        XCTAssertEqual(try ClassSplit.Rule("seeded=7"), .seeded(7))
        XCTAssertThrowsError(try ClassSplit.Rule("thirds")) { XCTAssertTrue("\($0)".contains("half or seeded=N"), "\($0)") }
    }

    func testRestrictRelabels() throws {
        let set = try FeatureSet(features: Tensor.zeros([4, 2]), labels: [0, 1, 2, 1], classNames: ["a", "b", "c"], paths: ["0", "1", "2", "3"])
        let r = try ClassSplit.restrict(set, to: ["c", "b"])
        XCTAssertEqual(r.labels, [1, 0, 1])
        XCTAssertEqual(r.paths, ["1", "2", "3"])
        XCTAssertEqual(r.classNames, ["c", "b"])
    }

    func testGridReportsBaseNovelAllAndHarmonic() throws {
        let model = try CoOpFixture.model()
        var g = SeededGenerator(seed: 12)
        let classes = ["bell", "dog", "engine", "rain", "siren"]
        let labels = (0..<20).map { $0 % 5 }
        let set = try FeatureSet(features: Tensor.normal([20, model.dimension], generator: &g), labels: labels, classNames: classes,
                                 paths: (0..<20).map { "/clips/\($0).wav" })
        let data = StaticExperimentData(name: "toy", classNames: classes, train: set, test: set)
        let dir = try TemporaryDirectory("palm-b2n")
        var grid = ExperimentGrid(model: model, datasets: [data], methods: ["zeroshot", "palm", "linear-probe"], seeds: [0], shots: 0, epochs: 2,
                                  outputDirectory: dir.path)
        grid.generalization = .baseToNovel(.half)
        grid.log = { _ in }
        let outcome = try grid.run()
        XCTAssertEqual(outcome.records.count, 3 * 4)
        for method in ["zeroshot", "palm", "linear-probe"] {
            let mine = outcome.records.filter { $0.method == method }
            XCTAssertEqual(mine.map(\.condition), ["base", "novel", "all", "harmonic"], method)
            let (base, novel) = (mine[0].accuracy, mine[1].accuracy)
            XCTAssertEqual(mine[3].accuracy, harmonicMean(base, novel), accuracy: 1e-12, method)
        }
        // Trained on the base classes only: PALM has a z and a lambda for each of the 3.
        XCTAssertEqual(outcome.records.first { $0.method == "palm" }?.parameters, 3 * (model.dimension + 1))
        // Zero-shot has no fallback; PALM and the probe name theirs on the novel and all records.
        XCTAssertTrue(outcome.records.filter { $0.method == "zeroshot" }.allSatisfy { $0.note == nil })
        let palmNovel = try XCTUnwrap(outcome.records.first { $0.method == "palm" && $0.condition == "novel" })
        XCTAssertEqual(palmNovel.note, "palm: novel classes use the plain text feature (lambda = 0)")
        let probe = outcome.records.filter { $0.method == "linear-probe" }
        XCTAssertEqual(probe[1].accuracy, 0, "the probe never predicts a novel class")
        XCTAssertEqual(probe[3].accuracy, 0)
        XCTAssertNotNil(probe[1].note)
        // Zero-shot on the novel classes is plain zero-shot over those two classes.
        let novelSet = try ClassSplit.restrict(set, to: ["rain", "siren"])
        let direct = try Evaluator.evaluate(ZeroShotLearner(model: model, classNames: ["rain", "siren"]), on: novelSet)
        XCTAssertEqual(outcome.records[1].accuracy, direct.accuracy, accuracy: 1e-12)

        // The tables carry the condition; resuming runs nothing.
        let csv = try String(contentsOfFile: dir.file("results.csv"), encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("dataset,method,seed,fold,shots,accuracy,macro_f1,train_seconds,parameters,condition,note\n"), csv)
        let table = try String(contentsOfFile: dir.file("table.md"), encoding: .utf8)
        for row in ["toy [base]", "toy [novel]", "toy [all]", "toy [harmonic]"] { XCTAssertTrue(table.contains("| \(row) |"), table) }
        var ran = 0
        grid.log = { _ in ran += 1 }
        XCTAssertEqual(try grid.run().records, outcome.records)
        XCTAssertEqual(ran, 0)
    }
}
