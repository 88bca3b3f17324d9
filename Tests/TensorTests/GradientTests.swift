import Tensor
import TestSupport
import XCTest

/// Every differentiable op against central finite differences. The closed-form derivative each
/// backward implements is stated in Sources/Tensor/Backward.swift beside its case.
final class GradientTests: XCTestCase {
    var rng = SeededGenerator(seed: 42)

    func rand(_ shape: [Int], low: Float = -1, high: Float = 1) -> Tensor { Tensor.uniform(shape, low: low, high: high, generator: &rng) }

    /// Values bounded away from 0 (|x| in [0.2, 1]) for ops with a kink at 0.
    func awayFromZero(_ shape: [Int]) -> Tensor {
        let t = rand(shape, low: 0.2, high: 1)
        for i in 0..<t.count where i % 2 == 1 { t.pointer[i] = -t.pointer[i] }
        return t
    }

    func testBroadcastArithmetic() throws {
        try assertGradientsMatchFiniteDifferences([rand([3, 4]), rand([4])], "add") { try $0[0] + $0[1] }
        try assertGradientsMatchFiniteDifferences([rand([3, 1]), rand([1, 4])], "sub") { try $0[0] - $0[1] }
        try assertGradientsMatchFiniteDifferences([rand([2, 3, 4]), rand([3, 1])], "mul") { try $0[0] * $0[1] }
        try assertGradientsMatchFiniteDifferences([rand([3, 4]), rand([4], low: 0.5, high: 2)], "div") { try $0[0] / $0[1] }
        try assertGradientsMatchFiniteDifferences([rand([5])], "scalar ops") { (2 - $0[0] * 3 + 1) / 4 }
        try assertGradientsMatchFiniteDifferences([rand([5], low: 0.5, high: 2)], "pow") { try $0[0].pow(3) + $0[0].pow(-1) + $0[0].pow(0.5) }
    }

    func testUnaryMaps() throws {
        try assertGradientsMatchFiniteDifferences([rand([7])], "neg/exp") { (-$0[0]).exp() }
        try assertGradientsMatchFiniteDifferences([rand([7], low: 0.5, high: 3)], "log") { $0[0].log() }
        try assertGradientsMatchFiniteDifferences([rand([7], low: 0.5, high: 3)], "sqrt") { $0[0].sqrt() }
        try assertGradientsMatchFiniteDifferences([rand([7], low: -2, high: 2)], "tanh") { $0[0].tanh() }
        try assertGradientsMatchFiniteDifferences([rand([7], low: -2, high: 2)], "erf") { $0[0].erf() }
        try assertGradientsMatchFiniteDifferences([rand([7], low: -3, high: 3)], "sigmoid") { $0[0].sigmoid() }
        try assertGradientsMatchFiniteDifferences([awayFromZero([8])], "relu") { $0[0].relu() }
        try assertGradientsMatchFiniteDifferences([awayFromZero([8])], "abs") { $0[0].abs() }
        try assertGradientsMatchFiniteDifferences([rand([9], low: -3, high: 3)], "gelu") { $0[0].gelu() }
        try assertGradientsMatchFiniteDifferences([rand([9], low: -3, high: 3)], "quickGelu") { $0[0].quickGelu() }
        try assertGradientsMatchFiniteDifferences([rand([9], low: -3, high: 3)], "geluTanh") { $0[0].geluTanh() }
    }

    func testReductions() throws {
        try assertGradientsMatchFiniteDifferences([rand([2, 3, 4])], "sum axes") { try $0[0].sum(axes: [0, 2]) }
        try assertGradientsMatchFiniteDifferences([rand([2, 3, 4])], "sum keepDims") { try $0[0].sum(axis: 1, keepDims: true) }
        try assertGradientsMatchFiniteDifferences([rand([2, 3, 4])], "mean all") { try $0[0].mean() }
        // Distinct values spaced more than 2h apart so the argmax never moves.
        let x = try Tensor((0..<12).map { Float(($0 * 7) % 12) * 0.1 }, shape: [3, 4])
        try assertGradientsMatchFiniteDifferences([x], "max axis 0") { try $0[0].max(axis: 0) }
        try assertGradientsMatchFiniteDifferences([x.copy()], "max axis 1") { try $0[0].max(axis: 1, keepDims: true) }
    }

    func testSoftmaxFamily() throws {
        try assertGradientsMatchFiniteDifferences([rand([3, 5], low: -2, high: 2)], "softmax last") { try $0[0].softmax(axis: -1) }
        try assertGradientsMatchFiniteDifferences([rand([3, 5], low: -2, high: 2)], "softmax axis 0") { try $0[0].softmax(axis: 0) }
        try assertGradientsMatchFiniteDifferences([rand([3, 5], low: -2, high: 2)], "logSoftmax") { try $0[0].logSoftmax(axis: -1) }
        try assertGradientsMatchFiniteDifferences([rand([4, 5], low: -2, high: 2)], "crossEntropy") { try $0[0].crossEntropy(targets: [0, 4, 2, 2]) }
    }

    func testNormalisation() throws {
        try assertGradientsMatchFiniteDifferences([rand([3, 6]), rand([6], low: 0.5, high: 1.5), rand([6])], "layerNorm") {
            try $0[0].layerNorm(weight: $0[1], bias: $0[2])
        }
        try assertGradientsMatchFiniteDifferences([rand([3, 6])], "layerNorm no affine") { try $0[0].layerNorm(weight: nil, bias: nil) }
        try assertGradientsMatchFiniteDifferences([rand([3, 5])], "l2Normalized") { try $0[0].l2Normalized() }
        try assertGradientsMatchFiniteDifferences([rand([3, 5])], "l2Normalized axis 0") { try $0[0].l2Normalized(axis: 0) }
        try assertGradientsMatchFiniteDifferences([rand([3, 5]), rand([4, 5])], "cosineSimilarity") { try $0[0].cosineSimilarity($0[1]) }
    }

    func testMatmulAndViews() throws {
        try assertGradientsMatchFiniteDifferences([rand([3, 4]), rand([4, 5])], "matmul") { try $0[0].matmul($0[1]) }
        try assertGradientsMatchFiniteDifferences([rand([2, 3, 4]), rand([5, 4])], "matmul shared weight^T") { try $0[0].matmul($0[1].T) }
        try assertGradientsMatchFiniteDifferences([rand([2, 3, 4]), rand([5, 4]), rand([5])], "linear (bias in the GEMM)") {
            try $0[0].linear(weight: $0[1], bias: $0[2])
        }
        try assertGradientsMatchFiniteDifferences([rand([3, 4]), rand([5, 4])], "linear no bias") { try $0[0].linear(weight: $0[1]) }
        try assertGradientsMatchFiniteDifferences([rand([4, 3]), rand([5, 4]), rand([5])], "linear of a transposed view") {
            try $0[0].T.linear(weight: $0[1], bias: $0[2])
        }
        try assertGradientsMatchFiniteDifferences([rand([2, 1, 3, 4]), rand([3, 4, 2])], "batched broadcast matmul") { try $0[0].matmul($0[1]) }
        try assertGradientsMatchFiniteDifferences([rand([4]), rand([4, 3])], "vector @ matrix") { try $0[0].matmul($0[1]) }
        try assertGradientsMatchFiniteDifferences([rand([2, 3, 4])], "permute+reshape") { try $0[0].permute([2, 0, 1]).reshape([4, 6]) }
        try assertGradientsMatchFiniteDifferences([rand([5, 4])], "slice step") { try $0[0].slice(axis: 0, start: 1, end: 5, step: 2) }
        try assertGradientsMatchFiniteDifferences([rand([3, 1])], "expand") { try $0[0].expand([2, 3, 4]) }
        try assertGradientsMatchFiniteDifferences([rand([2, 3])], "contiguous of transpose") { try $0[0].T.contiguous() }
        try assertGradientsMatchFiniteDifferences([rand([2, 3]), rand([2, 2])], "concat") { try Tensor.concat([$0[0], $0[1]], axis: 1) }
        try assertGradientsMatchFiniteDifferences([rand([2, 3]), rand([2, 3])], "stack") { try Tensor.stack([$0[0], $0[1]], axis: 1) }
        try assertGradientsMatchFiniteDifferences([rand([4, 3])], "embedding gather (repeats add)") { try $0[0].embedding([1, 3, 1, 0], shape: [2, 2]) }
        try assertGradientsMatchFiniteDifferences([rand([2, 4])], "indexSelect axis 1") { try $0[0].indexSelect(axis: 1, indices: [3, 0, 3]) }
    }

    func testAttentionWithMasks() throws {
        let causal = Tensor.causalMask(4, value: -1e9)
        try assertGradientsMatchFiniteDifferences([rand([2, 4, 3]), rand([2, 4, 3]), rand([2, 4, 3])], "causal attention") {
            try Tensor.scaledDotProductAttention(q: $0[0], k: $0[1], v: $0[2], mask: causal)
        }
        try assertGradientsMatchFiniteDifferences([rand([2, 4, 3]), rand([2, 5, 3]), rand([2, 5, 2])], "attention, Tk != Tq, Dv != D") {
            try Tensor.scaledDotProductAttention(q: $0[0], k: $0[1], v: $0[2], scale: 0.7)
        }
        try assertGradientsMatchFiniteDifferences([rand([2, 4, 6]), rand([2, 4, 6]), rand([2, 4, 6])], "attention of head-split views") {
            func heads(_ t: Tensor) throws -> Tensor { try t.reshape([2, 4, 2, 3]).transpose(1, 2) }
            return try Tensor.scaledDotProductAttention(q: heads($0[0]), k: heads($0[1]), v: heads($0[2]), mask: causal).transpose(1, 2).reshape([2, 4, 6])
        }
        let pad = Tensor.paddingMask(lengths: [4, 2], maxLength: 4, value: -1e9)  // [2, 1, 1, 4]
        try assertGradientsMatchFiniteDifferences([rand([2, 2, 4, 3]), rand([2, 2, 4, 3]), rand([2, 2, 4, 3])], "padding attention") {
            try Tensor.scaledDotProductAttention(q: $0[0], k: $0[1], v: $0[2], mask: pad)
        }
    }

    /// A checkpointed block gives the gradients of the same block on the tape, for its input and
    /// for a trainable weight it closes over (which gets its gradient from the recomputation),
    /// also when two checkpointed blocks are chained and when the block's output is reused.
    func testCheckpointedBlockMatchesTheTape() throws {
        let w = rand([4, 4]).requiringGrad(), frozen = rand([4, 4])
        let block: (Tensor) throws -> Tensor = { x in try x.linear(weight: w).gelu().layerNorm(weight: nil, bias: nil).linear(weight: frozen) + x }
        func run(_ checkpoint: Bool) throws -> (x: [Float], w: [Float]) {
            w.zeroGrad()
            let x = Tensor.uniform([3, 4], low: -1, high: 1, generator: &rng).requiringGrad()
            var h = x
            for _ in 0..<2 { h = checkpoint ? try h.checkpointed(block) : try block(h) }
            try (h * h + h).sum().backward()
            return (x.grad!.toArray(), w.grad!.toArray())
        }
        let saved = rng
        let plain = try run(false)
        rng = saved
        let checkpointed = try run(true)
        for (a, b) in zip(plain.x + plain.w, checkpointed.x + checkpointed.w) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        try assertGradientsMatchFiniteDifferences([rand([2, 4])], "checkpoint") { try $0[0].checkpointed(block) }
        let off = try GradMode.withoutGrad { try rand([2, 4]).requiringGrad().checkpointed(block) }
        XCTAssertFalse(off.requiresGrad, "no tape, no node")
    }

    func testSpatialOps() throws {
        try assertGradientsMatchFiniteDifferences([rand([2, 2, 5, 5]), rand([3, 2, 3, 3]), rand([3])], "conv2d pad 1") {
            try $0[0].conv2d(weight: $0[1], bias: $0[2], padding: (1, 1))
        }
        try assertGradientsMatchFiniteDifferences([rand([1, 1, 8, 8]), rand([2, 1, 4, 4])], "conv2d stride 4") {
            try $0[0].conv2d(weight: $0[1], stride: (4, 4))
        }
        let distinct = try Tensor((0..<50).map { Float(($0 * 17) % 50) * 0.05 }, shape: [1, 2, 5, 5])
        try assertGradientsMatchFiniteDifferences([distinct], "maxPool2d") { try $0[0].maxPool2d(kernel: (2, 2)) }
        try assertGradientsMatchFiniteDifferences([rand([1, 2, 5, 5])], "avgPool2d pad") { try $0[0].avgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1)) }
        try assertGradientsMatchFiniteDifferences([rand([1, 1, 5, 4])], "bicubic resize") { try $0[0].resizeBicubic(height: 8, width: 4) }
    }
}
