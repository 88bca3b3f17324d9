import Prompting
import Tensor
import TestSupport
import XCTest

/// PALM and Tip-Adapter against the reference computation in PyTorch
/// (`Scripts/fixtures/prompting.py`).
final class PALMGoldenTests: XCTestCase {
    let fx = try! Fixtures.safetensors("prompting/palm.safetensors")
    let classes = ["a", "b", "c", "d", "e"]

    func makePALM() throws -> PALMLearner {
        let p = try PALMLearner(textFeatures: HashWeights.tensor([5, 16], seed: 501, scale: 1), classNames: classes)
        // Overwrite the seeded initialisation with the fixture's.
        let z0 = HashWeights.tensor([5, 16], seed: 502, scale: 0.05), raw0 = HashWeights.tensor([5], seed: 503, scale: 0.5) + 0.5
        p.z.pointer.update(from: z0.pointer, count: z0.count)
        p.rawLambda.pointer.update(from: raw0.pointer, count: raw0.count)
        return p
    }

    func testLogitsLossAndGradientsMatchReference() throws {
        let palm = try makePALM()
        let a = HashWeights.tensor([8, 16], seed: 500, scale: 1)
        let logits = try palm.logits(a)
        assertClose(logits, try fx.tensor("logits"), tolerance: 2e-4, "PALM logits")
        let loss = try logits.crossEntropy(targets: [0, 1, 2, 3, 4, 0, 2, 4])
        assertClose(try loss.reshape([1]), try fx.tensor("loss"), tolerance: 1e-5, "PALM loss")
        try loss.backward()
        assertClose(palm.z.grad!, try fx.tensor("dz"), tolerance: 1e-5, "dL/dz")
        assertClose(palm.rawLambda.grad!, try fx.tensor("dlambda"), tolerance: 1e-5, "dL/dlambda")
        XCTAssertEqual(palm.parameterCount, 5 * (16 + 1), "c (d + 1) parameters")
    }

    func testThreeSGDStepsMatchTorchOptim() throws {
        let palm = try makePALM()
        let a = HashWeights.tensor([8, 16], seed: 500, scale: 1)
        let data = try FeatureSet(features: a, labels: [0, 1, 2, 3, 4, 0, 2, 4], classNames: classes)
        var options = TrainingOptions()
        options.epochs = 3
        options.batchSize = 8  // one full batch per epoch: the same three steps as the fixture
        try Trainer(options: options).fit(palm, on: data)
        assertClose(palm.z, try fx.tensor("z_after3"), tolerance: 1e-5, "z after 3 SGD steps")
        assertClose(palm.rawLambda, try fx.tensor("lambda_after3"), tolerance: 1e-5, "lambda after 3 SGD steps")
    }

    func testTipAdapterLogitsMatchReference() throws {
        let names = ["w", "x", "y", "z"]
        let tip = try TipAdapterLearner(classEmbeddings: HashWeights.tensor([4, 12], seed: 511, scale: 1), classNames: names)
        let train = try FeatureSet(features: HashWeights.tensor([10, 12], seed: 510, scale: 1), labels: [0, 1, 2, 3, 0, 1, 2, 3, 0, 1], classNames: names)
        try tip.prepare(training: train)
        assertClose(try tip.logits(HashWeights.tensor([6, 12], seed: 512, scale: 1)), try fx.tensor("tip_logits"), tolerance: 2e-4, "Tip-Adapter logits")
    }
}
