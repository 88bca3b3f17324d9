import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// Learning tests through a real (tiny, random-weight) CLIP text tower: the class-name text
/// features of a random tower are unrelated to the audio clusters, so zero-shot is near chance;
/// learned context (CoOp) and the output-space mix (PALM) must fix that from 16 shots.
final class CoOpLearningTests: XCTestCase {
    func task() throws -> (PENGIModel, FeatureSet, FeatureSet) {
        let model = try CoOpFixture.model()
        let classes = ["bell", "dog", "rain", "siren"]
        var g = SeededGenerator(seed: 21)
        let centres = try Tensor.normal([4, model.dimension], generator: &g).l2Normalized()
        func sample(_ n: Int) throws -> FeatureSet {
            let labels = (0..<4).flatMap { Array(repeating: $0, count: n) }
            let x = try centres.indexSelect(axis: 0, indices: labels) * 2 + Tensor.normal([labels.count, model.dimension], std: 0.3, generator: &g)
            return try FeatureSet(features: x, labels: labels, classNames: classes)
        }
        return (model, try sample(16), try sample(30))
    }

    func testCoOpAndPALMBeatZeroShotThroughTheTextTower() throws {
        let (model, train, test) = try task()
        let zeroShot = try Evaluator.evaluate(ZeroShotLearner(model: model, classNames: train.classNames), on: test).accuracy
        var o = TrainingOptions()
        o.epochs = 30
        var results: [String: Double] = [:]
        for method in ["coop", "palm"] {
            let learner = try LearnerRegistry.make(method, model: model, classNames: train.classNames, seed: 0)
            try Trainer(options: o).fit(learner, on: train)
            results[method] = try Evaluator.evaluate(learner, on: test).accuracy
        }
        print("[learning] zero-shot \(zeroShot), CoOp \(results["coop"]!), PALM \(results["palm"]!)")
        XCTAssertGreaterThan(results["coop"]!, zeroShot + 0.3, "CoOp must beat zero-shot by 30 points")
        XCTAssertGreaterThan(results["palm"]!, zeroShot + 0.3, "PALM must beat zero-shot by 30 points")
    }
}
