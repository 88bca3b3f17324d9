import Foundation
import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// Cross-dataset transfer: a learner trains on one dataset and is evaluated on others with
/// their own class names; per-class methods name their fallback.
final class CrossDatasetTests: XCTestCase {
    func testTrainOnOneEvaluateOnAnother() throws {
        let model = try CoOpFixture.model()
        var g = SeededGenerator(seed: 21)
        func data(_ name: String, _ classes: [String], _ n: Int) throws -> StaticExperimentData {
            let labels = (0..<n).map { $0 % classes.count }
            let set = try FeatureSet(features: Tensor.normal([n, model.dimension], generator: &g), labels: labels, classNames: classes,
                                     paths: (0..<n).map { "/\(name)/\($0).wav" })
            return StaticExperimentData(name: name, classNames: classes, train: set, test: set)
        }
        let source = try data("A", ["dog", "rain", "siren"], 9), target = try data("B", ["dog", "engine"], 6)
        var grid = ExperimentGrid(model: model, datasets: [source, target], methods: ["zeroshot", "palm"], seeds: [0, 1], shots: 0, epochs: 2)
        grid.generalization = try Generalization("cross-dataset", trainOn: "A", evaluateOn: ["B"])
        grid.log = { _ in }
        XCTAssertEqual(Set(try grid.cells().map(\.dataset)), ["A"], "cells train on the source only")
        let outcome = try grid.run()
        XCTAssertEqual(outcome.records.map(\.row), ["A", "B [from A]", "A", "B [from A]", "A", "B [from A]"])
        let palmOnB = try XCTUnwrap(outcome.records.first { $0.method == "palm" && $0.dataset == "B" })
        XCTAssertEqual(palmOnB.note, "palm: novel classes use the plain text feature (lambda = 0)")
        XCTAssertNil(outcome.records.first { $0.method == "zeroshot" && $0.dataset == "B" }?.note)
        let direct = try Evaluator.evaluate(ZeroShotLearner(model: model, classNames: ["dog", "engine"]), on: target.test)
        XCTAssertEqual(outcome.records[1].accuracy, direct.accuracy, accuracy: 1e-12)

        grid.generalization = try Generalization("cross-dataset", trainOn: "A", evaluateOn: ["C"])
        XCTAssertThrowsError(try grid.cells()) { XCTAssertTrue("\($0)".contains("no dataset named C"), "\($0)") }
        XCTAssertThrowsError(try Generalization("cross-dataset", trainOn: "A", evaluateOn: ["A"]))
        XCTAssertThrowsError(try Generalization("cross-dataset")) { XCTAssertTrue("\($0)".contains("--train-on"), "\($0)") }
    }
}
