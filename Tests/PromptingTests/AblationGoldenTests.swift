import Prompting
import Tensor
import TestSupport
import XCTest

/// Table 4's feature-space ablations against the PALM authors' own definitions, computed in
/// PyTorch from their equations (`Scripts/fixtures/prompting.py`): CoCoOp-dagger and
/// PALM+CoCoOp-dagger (a `d -> d/2 -> d` meta-net shifting the normalised text features per
/// clip) and the linear probe (`nn.Linear(d, c)` on raw features).
final class AblationGoldenTests: XCTestCase {
    let fx = try! Fixtures.safetensors("prompting/palm.safetensors")
    let classes = ["w", "x", "y", "z"]

    func overwrite(_ t: Tensor, _ v: Tensor) { t.pointer.update(from: v.pointer, count: v.count) }

    func testFeatureFeedbackMatchesReference() throws {
        for palm in [false, true] {
            let tag = palm ? "palm_cocoop_dagger" : "cocoop_dagger"
            let l = try FeatureFeedbackLearner(textFeatures: HashWeights.tensor([4, 16], seed: 521, scale: 10), classNames: classes, palm: palm)
            XCTAssertEqual(l.metaNet.w1.shape, [8, 16], "hidden width d/2")
            if palm {
                overwrite(l.z!, HashWeights.tensor([4, 16], seed: 522, scale: 0.1))
                overwrite(l.rawLambda!, HashWeights.tensor([4], seed: 523, scale: 0.5) + 0.5)
            }
            overwrite(l.metaNet.w1, HashWeights.tensor([8, 16], seed: 524, scale: 0.25))
            overwrite(l.metaNet.b1, HashWeights.tensor([8], seed: 525, scale: 0.25))
            overwrite(l.metaNet.w2, HashWeights.tensor([16, 8], seed: 526, scale: 0.35))
            overwrite(l.metaNet.b2, HashWeights.tensor([16], seed: 527, scale: 0.35))
            let logits = try l.logits(HashWeights.tensor([6, 16], seed: 520, scale: 1))
            assertClose(logits, try fx.tensor("\(tag)_logits"), tolerance: 2e-4, "\(tag) logits")
            try logits.crossEntropy(targets: [0, 1, 2, 3, 1, 2]).backward()
            assertClose(l.metaNet.w1.grad!, try fx.tensor("\(tag)_dw1"), tolerance: 1e-5, "\(tag) dL/dW1")
            assertClose(l.metaNet.b2.grad!, try fx.tensor("\(tag)_db2"), tolerance: 1e-5, "\(tag) dL/db2")
            if palm {
                assertClose(l.z!.grad!, try fx.tensor("\(tag)_dctx"), tolerance: 1e-5, "\(tag) dL/dctx")
                assertClose(l.rawLambda!.grad!, try fx.tensor("\(tag)_dlambdas"), tolerance: 1e-5, "\(tag) dL/dlambdas")
            }
        }
    }

    func testLinearProbeMatchesReference() throws {
        let l = LinearProbeLearner(classNames: ["a", "b", "c"], dimension: 12)
        overwrite(l.weight, HashWeights.tensor([3, 12], seed: 531, scale: 0.3))
        overwrite(l.bias, HashWeights.tensor([3], seed: 532, scale: 0.3))
        assertClose(try l.logits(HashWeights.tensor([5, 12], seed: 530, scale: 3)), try fx.tensor("linear_probe_logits"), tolerance: 1e-5,
                    "linear probe logits")
    }
}
