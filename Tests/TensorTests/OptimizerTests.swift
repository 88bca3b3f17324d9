import Tensor
import TestSupport
import XCTest

/// SGD and AdamW trajectories against torch.optim on `sum(k * (w - target)^2)`.
final class OptimizerTests: XCTestCase {
    func run(_ make: ([Tensor]) -> Optimizer) throws -> Tensor {
        let fx = try Fixtures.safetensors("tensor/optimizers.safetensors")
        let target = try fx.tensor("target"), weights = try Tensor((1...6).map(Float.init))
        let w = try fx.tensor("w0").requiringGrad()
        let opt = make([w])
        var steps: [Tensor] = []
        for _ in 0..<5 {
            opt.zeroGrad()
            try (((w - target).pow(2)) * weights).sum().backward()
            opt.step()
            steps.append(w.copy())
        }
        return try Tensor.stack(steps)
    }

    func testSGDMomentumMatchesTorch() throws {
        let fx = try Fixtures.safetensors("tensor/optimizers.safetensors")
        assertClose(try run { SGD(parameters: $0, learningRate: 0.05, momentum: 0.9) }, try fx.tensor("sgd"), tolerance: 1e-5, "SGD momentum 0.9")
        assertClose(try run { SGD(parameters: $0, learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4, dampening: 0.1) },
                    try fx.tensor("sgd_wd"), tolerance: 1e-5, "SGD weight decay + dampening")
    }

    func testAdamWMatchesTorch() throws {
        let fx = try Fixtures.safetensors("tensor/optimizers.safetensors")
        assertClose(try run { AdamW(parameters: $0, learningRate: 0.01, weightDecay: 0.01) }, try fx.tensor("adamw"), tolerance: 1e-5, "AdamW")
    }

    func testCosineScheduleWithWarmup() {
        let s = LearningRateSchedule.cosine(totalSteps: 10, warmupSteps: 2, warmupStart: 0, minimum: 0)
        XCTAssertEqual(s.rate(at: 0, base: 1), 0)
        XCTAssertEqual(s.rate(at: 1, base: 1), 0.5)
        XCTAssertEqual(s.rate(at: 2, base: 1), 1)
        XCTAssertEqual(s.rate(at: 6, base: 1), 0.5, accuracy: 1e-6)
        XCTAssertEqual(s.rate(at: 10, base: 1), 0, accuracy: 1e-6)
        XCTAssertEqual(LearningRateSchedule.cosine(totalSteps: 10, warmupSteps: 1, warmupStart: 1e-5, warmupConstant: true).rate(at: 0, base: 0.002), 1e-5)
    }
}

final class OptimizerLayoutTests: XCTestCase {
    func testSGDUpdatesAStridedParameterInPlace() throws {
        let base = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let view = try base.T.requiringGrad()  // [3, 2], non-contiguous
        view.grad = Tensor.ones([3, 2])
        SGD(parameters: [view], learningRate: 0.5).step()
        XCTAssertEqual(base.toArray(), [0.5, 1.5, 2.5, 3.5, 4.5, 5.5])
    }

    func testVectorDotProduct() throws {
        XCTAssertEqual(try Tensor([1, 2, 3]).matmul(Tensor([4, 5, 6])).item(), 32)
    }
}
