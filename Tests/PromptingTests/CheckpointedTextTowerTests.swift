import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// CoCoOp's step with the text tower's layers checkpointed (recomputed in backward, as large
/// class counts trigger) gives the same loss and gradients as with every activation kept.
final class CheckpointedTextTowerTests: XCTestCase {
    func testCheckpointedLayersGiveTheSameGradients() throws {
        let model = try CoOpFixture.model()
        let classes = ["dog bark", "rain", "siren"]
        func step(budget: Int) throws -> [Float] {
            let saved = CausalTransformer.activationBudgetBytes
            CausalTransformer.activationBudgetBytes = budget
            defer { CausalTransformer.activationBudgetBytes = saved }
            let learner = try CoOpLearner(model: model, classNames: classes, nCtx: 4, conditional: true, seed: 1)
            var g = SeededGenerator(seed: 2)
            let audio = Tensor.normal([4, model.dimension], generator: &g)
            let loss = try learner.logits(audio).crossEntropy(targets: [0, 1, 2, 0])
            try loss.backward()
            return [loss.toArray()[0]] + learner.parameters.flatMap { $0.tensor.grad?.toArray() ?? [] }
        }
        let kept = try step(budget: .max), recomputed = try step(budget: 0)
        XCTAssertEqual(kept.count, recomputed.count)
        let diff = zip(kept, recomputed).map { abs($0 - $1) }.max() ?? .nan
        print("CoCoOp step, checkpointed text tower vs kept activations: max |diff| = \(diff)")
        XCTAssertLessThanOrEqual(diff, 1e-5)
        XCTAssertGreaterThan(kept.dropFirst().map(abs).max() ?? 0, 0, "the gradients are not all zero")
    }
}
