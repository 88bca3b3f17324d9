import Prompting
import Tensor
import TestSupport
import XCTest

/// PALM and Tip-Adapter against the reference's equations computed in PyTorch
/// (`Scripts/fixtures/prompting.py`): PALM normalises the class-name text features before the
/// mix, `t' = normalize((1 - s(l)) t_hat + s(l) z)`, `logits = 100 a_hat . t'^T`.
final class PALMGoldenTests: XCTestCase {
    let fx = try! Fixtures.safetensors("prompting/palm.safetensors")
    let classes = (0..<10).map { "class \($0)" }
    let labels = (0..<64).map { ($0 * 7) % 10 }
    /// Text features with the norm of PENGI's raw projections (~32).
    let text = HashWeights.tensor([10, 32], seed: 501, scale: 10)
    let audio = HashWeights.tensor([64, 32], seed: 500, scale: 1)

    func makePALM() throws -> PALMLearner {
        let p = try PALMLearner(textFeatures: text, classNames: classes)
        // Overwrite the seeded initialisation with the fixture's.
        let z0 = HashWeights.tensor([10, 32], seed: 502, scale: 0.18), raw0 = HashWeights.tensor([10], seed: 503, scale: 0.5) + 0.5
        p.z.pointer.update(from: z0.pointer, count: z0.count)
        p.rawLambda.pointer.update(from: raw0.pointer, count: raw0.count)
        return p
    }

    func testLogitsLossAndGradientsMatchReference() throws {
        let palm = try makePALM()
        let logits = try palm.logits(audio)
        let expected = try fx.tensor("logits")
        assertClose(logits, expected, tolerance: 2e-4, "PALM logits")
        XCTAssertEqual(try logits.argmax(axis: 1).toArray(), try expected.argmax(axis: 1).toArray(), "the reference's predicted class for every clip")
        let loss = try logits.crossEntropy(targets: labels)
        assertClose(try loss.reshape([1]), try fx.tensor("loss"), tolerance: 1e-5, "PALM loss")
        try loss.backward()
        assertClose(palm.z.grad!, try fx.tensor("dz"), tolerance: 1e-5, "dL/dz")
        assertClose(palm.rawLambda.grad!, try fx.tensor("dlambda"), tolerance: 1e-5, "dL/dlambda")
        XCTAssertEqual(palm.parameterCount, 10 * (32 + 1), "c (d + 1) parameters")
    }

    /// The fixture tells the two formulas apart: mixing the raw text features (where z hardly
    /// counts) predicts other classes for many clips, so matching it proves the normalisation.
    func testFixtureDistinguishesTheUnnormalisedMix() throws {
        let z = HashWeights.tensor([10, 32], seed: 502, scale: 0.18)
        let lam = try (HashWeights.tensor([10], seed: 503, scale: 0.5) + 0.5).sigmoid().unsqueeze(-1)
        let rawMix = try ((1 - lam) * text + lam * z).l2Normalized()
        let wrong = try audio.l2Normalized().matmul(rawMix.T).argmax(axis: 1).toArray()
        let right = try fx.tensor("logits").argmax(axis: 1).toArray()
        let differing = zip(wrong, right).filter { $0 != $1 }.count
        print("unnormalised mix: a different class for \(differing) of 64 clips")
        XCTAssertGreaterThan(differing, 5)
    }

    func testSGDStepsMatchTorchOptim() throws {
        for (steps, suffix) in [(1, "after1"), (3, "after3")] {
            let palm = try makePALM()
            let data = try FeatureSet(features: audio, labels: labels, classNames: classes)
            var options = TrainingOptions()
            options.epochs = steps
            options.batchSize = 64  // one full batch per epoch: the fixture's steps
            try Trainer(options: options).fit(palm, on: data)
            assertClose(palm.z, try fx.tensor("z_" + suffix), tolerance: 1e-5, "z \(suffix)")
            assertClose(palm.rawLambda, try fx.tensor("lambda_" + suffix), tolerance: 1e-5, "lambda \(suffix)")
        }
    }

    func testTipAdapterLogitsMatchReference() throws {
        let names = ["w", "x", "y", "z"]
        let tip = try TipAdapterLearner(classEmbeddings: HashWeights.tensor([4, 12], seed: 511, scale: 1), classNames: names)
        let train = try FeatureSet(features: HashWeights.tensor([10, 12], seed: 510, scale: 1), labels: [0, 1, 2, 3, 0, 1, 2, 3, 0, 1], classNames: names)
        try tip.prepare(training: train)
        assertClose(try tip.logits(HashWeights.tensor([6, 12], seed: 512, scale: 1)), try fx.tensor("tip_logits"), tolerance: 2e-4, "Tip-Adapter logits")
    }
}
