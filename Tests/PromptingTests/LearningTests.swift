import Prompting
import Tensor
import TestSupport
import XCTest

/// Learning tests that can fail: on a task where the text features are misaligned, learners
/// that adapt must beat zero-shot by a clear margin, and a fixed seed reproduces every number.
final class LearningTests: XCTestCase {
    let task = try! SyntheticTask()

    func accuracy(_ learner: PromptLearner, epochs: Int = 50) throws -> Double {
        var options = TrainingOptions()
        options.epochs = epochs
        try Trainer(options: options).fit(learner, on: task.train)
        return try Evaluator.evaluate(learner, on: task.test).accuracy
    }

    func testAdaptingLearnersBeatZeroShot() throws {
        let zeroShot = try Evaluator.evaluate(ZeroShotLearner(classEmbeddings: task.text, classNames: task.classes), on: task.test).accuracy
        let palm = try accuracy(PALMLearner(textFeatures: task.text, classNames: task.classes, seed: 0))
        let dagger = try accuracy(PALMLearner(textFeatures: nil, classNames: task.classes, dimension: 32, seed: 0))
        let probe = try accuracy(LinearProbeLearner(classNames: task.classes, dimension: 32, seed: 0))
        // The cache must outweigh 100x-scaled zero-shot logits this misaligned: alpha 10 (the
        // Tip-Adapter paper tunes alpha on validation data for the same reason).
        let tip = try TipAdapterLearner(classEmbeddings: task.text, classNames: task.classes, alpha: 10)
        try tip.prepare(training: task.train)
        let tipAccuracy = try Evaluator.evaluate(tip, on: task.test).accuracy
        print("[learning] zero-shot \(zeroShot), PALM \(palm), PALM-dagger \(dagger), linear probe \(probe), Tip-Adapter \(tipAccuracy)")
        XCTAssertLessThan(zeroShot, 0.5, "the task is built so zero-shot is poor")
        for (name, acc) in [("PALM", palm), ("PALM-dagger", dagger), ("linear probe", probe)] {
            XCTAssertGreaterThan(acc, zeroShot + 0.5, "\(name) must beat zero-shot by 50 points")
        }
        // Training-free, the cache only partly outweighs text features this far off.
        XCTAssertGreaterThan(tipAccuracy, zeroShot + 0.08, "Tip-Adapter must improve on zero-shot")
    }

    func testSameSeedGivesIdenticalNumbers() throws {
        func run() throws -> ([Float], [Double]) {
            let p = try PALMLearner(textFeatures: task.text, classNames: task.classes, seed: 3)
            var o = TrainingOptions()
            o.epochs = 5
            o.seed = 9
            let report = try Trainer(options: o).fit(p, on: task.train)
            return (p.z.toArray() + p.rawLambda.toArray(), report.epochs.map(\.loss))
        }
        let (a, la) = try run(), (b, lb) = try run()
        XCTAssertEqual(a, b)
        XCTAssertEqual(la, lb)
    }

    func testCancellationStopsAtABatchBoundaryAndKeepsTheLearner() throws {
        let p = try PALMLearner(textFeatures: task.text, classNames: task.classes, seed: 0)
        let before = p.z.toArray()
        var trainer = Trainer()
        var batches = 0
        trainer.shouldStop = { batches += 1; return batches > 5 }
        let report = try trainer.fit(p, on: task.train)
        XCTAssertTrue(report.cancelled)
        XCTAssertNotEqual(p.z.toArray(), before, "the steps taken before the interrupt are kept")
    }

    func testMetrics() {
        let r = Evaluator.metrics(predictions: [0, 0, 1, 2, 2, 2], labels: [0, 1, 1, 2, 2, 0], classNames: ["a", "b", "c"])
        XCTAssertEqual(r.accuracy, 4.0 / 6.0, accuracy: 1e-12)
        XCTAssertEqual(r.confusion, [[1, 0, 1], [1, 1, 0], [0, 0, 2]])
        XCTAssertEqual(r.perClassAccuracy, [0.5, 0.5, 1.0])
        // F1: a = 2*1/(2+2) = 0.5, b = 2*1/(2+1) = 2/3, c = 2*2/(2+3) = 0.8
        XCTAssertEqual(r.macroF1, (0.5 + 2.0 / 3.0 + 0.8) / 3, accuracy: 1e-12)
    }

    func testSaveAndLoadRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let p = try PALMLearner(textFeatures: task.text, classNames: task.classes, seed: 1)
        try p.save(to: dir.file("palm.safetensors"))
        let q = try PALMLearner(textFeatures: task.text, classNames: task.classes, seed: 2)
        XCTAssertNotEqual(p.z.toArray(), q.z.toArray())
        try q.load(from: dir.file("palm.safetensors"))
        XCTAssertEqual(p.z.toArray(), q.z.toArray())
        XCTAssertEqual(p.rawLambda.toArray(), q.rawLambda.toArray())
        let probe = LinearProbeLearner(classNames: task.classes, dimension: 32)
        XCTAssertThrowsError(try probe.load(from: dir.file("palm.safetensors"))) { XCTAssertTrue("\($0)".contains("'palm' learner")) }
    }
}

/// Bad input: each a test, each error saying what was expected.
final class PromptingBadInputTests: XCTestCase {
    let task = try! SyntheticTask()

    func testFewShotSetMissingAClass() throws {
        let p = try PALMLearner(textFeatures: task.text, classNames: task.classes)
        let idx = task.train.labels.enumerated().filter { $0.element != 3 }.map(\.offset)
        XCTAssertThrowsError(try Trainer().fit(p, on: task.train.subset(idx))) {
            XCTAssertEqual("\($0)", "the training set has no example of 1 class(es): class 3")
        }
    }

    func testTestSetWithAClassTheLearnerDoesNotKnow() throws {
        let p = try PALMLearner(textFeatures: try task.text.slice(axis: 0, start: 0, end: 7), classNames: Array(task.classes.prefix(7)))
        XCTAssertThrowsError(try Evaluator.evaluate(p, on: task.test)) { XCTAssertTrue("\($0)".contains("does not know: class 7"), "\($0)") }
    }

    func testMismatchedFeatureDimension() throws {
        let p = try PALMLearner(textFeatures: nil, classNames: task.classes, dimension: 16)
        XCTAssertThrowsError(try Trainer().fit(p, on: task.train)) {
            XCTAssertEqual("\($0)", "palm-dagger: feature dimension 32 does not match the model's 16")
        }
    }

    func testNaNLossStopsWithTheEpoch() throws {
        let w = Tensor.zeros([8, 32]).requiringGrad()
        var calls = 0
        let custom = CustomLearner(classNames: task.classes, dimension: 32, parameters: [("w", w)]) { a in
            calls += 1
            let logits = try a.matmul(w.T)
            return calls > 10 ? logits * Float.nan : logits  // diverges in epoch 2 (8 batches per epoch)
        }
        XCTAssertThrowsError(try Trainer().fit(custom, on: task.train)) {
            XCTAssertEqual("\($0)", "training diverged: the loss is NaN or infinite at epoch 2, batch 3 (try a lower learning rate)")
        }
    }
}
