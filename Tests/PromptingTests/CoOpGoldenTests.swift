import Foundation
import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// One CoOp and one CoCoOp step through a real CLIP text tower (PENGI layout, real CLIP
/// tokenizer and vocabulary size, tiny width) against PyTorch (`Scripts/fixtures/coop.py`):
/// logits, loss, context (and meta-net) gradients, parameters after one SGD step. Float32
/// through a 2-layer tower with logit scale 100: gradients agree to about 4e-5 absolute.
final class CoOpGoldenTests: XCTestCase {
    let fx = try! Fixtures.safetensors("prompting/coop.safetensors")
    func model() throws -> PENGIModel { try CoOpFixture.model() }

    let classes = ["dog bark", "rain", "church bells"]
    let labels = [0, 1, 2, 1]

    func assign(_ t: Tensor, _ values: Tensor) { t.pointer.update(from: values.pointer, count: values.count) }

    func testTokenizerGivesTheFixtureIds() throws {
        let ids = try model().tokenize(classes.map { "X X X X \($0)." }).ids
        XCTAssertEqual(ids, try fx.tensor("ids").toArray().map { Int($0) }.chunked(40))
    }

    func testCoOpStepMatchesPyTorch() throws {
        let coop = try CoOpLearner(model: model(), classNames: classes, nCtx: 4)
        assign(coop.prompts.context, HashWeights.tensor([4, 32], seed: 601, scale: 0.05))
        let audio = HashWeights.tensor([4, 24], seed: 600, scale: 1)
        let logits = try coop.logits(audio)
        assertClose(logits, try fx.tensor("coop.logits"), tolerance: 2e-4, "CoOp logits")
        let loss = try logits.crossEntropy(targets: labels)
        assertClose(try loss.reshape([1]), try fx.tensor("coop.loss"), tolerance: 1e-5, "CoOp loss")
        try loss.backward()
        assertClose(coop.prompts.context.grad!, try fx.tensor("coop.dctx"), tolerance: 1e-4, "CoOp d loss / d ctx")
        coop.prompts.context.zeroGrad()
        try step(coop, audio)
        assertClose(coop.prompts.context, try fx.tensor("coop.ctx_after"), tolerance: 1e-5, "CoOp ctx after one SGD step")
        XCTAssertEqual(coop.parameterCount, 4 * 32)
    }

    func testCoCoOpStepMatchesPyTorch() throws {
        let cocoop = try CoOpLearner(model: model(), classNames: classes, nCtx: 4, conditional: true)
        assign(cocoop.prompts.context, HashWeights.tensor([4, 32], seed: 601, scale: 0.05))
        let meta = cocoop.metaNet!
        assign(meta.w1, HashWeights.tensor([1, 24], seed: 602, scale: 0.2))
        assign(meta.b1, HashWeights.tensor([1], seed: 603, scale: 0.2) + 0.3)
        assign(meta.w2, HashWeights.tensor([32, 1], seed: 604, scale: 0.2))
        assign(meta.b2, HashWeights.tensor([32], seed: 605, scale: 0.05))
        let audio = HashWeights.tensor([4, 24], seed: 600, scale: 1)
        let logits = try cocoop.logits(audio)
        assertClose(logits, try fx.tensor("cocoop.logits"), tolerance: 2e-4, "CoCoOp logits")
        let loss = try logits.crossEntropy(targets: labels)
        assertClose(try loss.reshape([1]), try fx.tensor("cocoop.loss"), tolerance: 1e-5, "CoCoOp loss")
        try loss.backward()
        assertClose(cocoop.prompts.context.grad!, try fx.tensor("cocoop.dctx"), tolerance: 1e-4, "CoCoOp d loss / d ctx")
        for (name, t) in meta.parameters {
            assertClose(t.grad!, try fx.tensor("cocoop.d\(name)"), tolerance: 1e-4, "CoCoOp d loss / d \(name)")
        }
        cocoop.parameters.forEach { $0.tensor.zeroGrad() }
        try step(cocoop, audio)
        assertClose(cocoop.prompts.context, try fx.tensor("cocoop.ctx_after"), tolerance: 1e-5, "CoCoOp ctx after one SGD step")
        assertClose(meta.w2, try fx.tensor("cocoop.meta_net.linear2.weight_after"), tolerance: 1e-5, "meta-net linear2 after one step")
    }

    /// One SGD step (lr 0.05, momentum 0.9) through the trainer: one batch holding all four clips.
    func step(_ learner: PromptLearner, _ audio: Tensor) throws {
        var o = TrainingOptions()
        o.epochs = 1
        o.batchSize = 4
        try Trainer(options: o).fit(learner, on: FeatureSet(features: audio, labels: labels, classNames: classes))
    }
}

extension Array {
    func chunked(_ n: Int) -> [[Element]] { stride(from: 0, to: count, by: n).map { Array(self[$0..<Swift.min($0 + n, count)]) } }
}
