import Tensor
import TestSupport
import XCTest

final class ShapeAndViewTests: XCTestCase {
    func testViewsShareStorageWithoutCopying() throws {
        let a = try Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        let t = try a.transpose(0, 2)
        XCTAssertTrue(t.storage === a.storage)
        XCTAssertEqual(t.shape, [4, 3, 2])
        XCTAssertEqual(t[3, 2, 1], a[1, 2, 3])
        let s = try a.slice(axis: 2, start: 1, end: 4, step: 2)
        XCTAssertTrue(s.storage === a.storage)
        XCTAssertEqual(s.toArray(), [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23])
        let e = try Tensor([1, 2, 3], shape: [3, 1]).expand([2, 3, 4])
        XCTAssertEqual(e.strides, [0, 1, 0])
        XCTAssertEqual(try e.sum().item(), 48)
        XCTAssertTrue(try a.reshape([6, 4]).storage === a.storage, "reshape of a contiguous tensor is a view")
        XCTAssertFalse(try t.reshape([24]).storage === a.storage, "reshape of a transposed tensor must copy")
        XCTAssertEqual(try t.reshape([24]).toArray(), try t.contiguous().toArray())
        XCTAssertEqual(try a.select(axis: 1, index: -1).toArray(), [8, 9, 10, 11, 20, 21, 22, 23])
        XCTAssertEqual(try a.unsqueeze(0).squeeze(0).shape, [2, 3, 4])
    }

    func testShapeErrorsNameTheOpAndBothShapes() {
        let a = Tensor.zeros([2, 3]), b = Tensor.zeros([4, 5])
        XCTAssertThrowsError(try a + b) { XCTAssertEqual("\($0)", "add: shape mismatch [2, 3] vs [4, 5]: dimension 0 is 2 vs 4 and neither is 1") }
        XCTAssertThrowsError(try a.matmul(b)) { XCTAssertEqual("\($0)", "matmul: shape mismatch [2, 3] vs [4, 5]: inner dimensions 3 and 4 differ") }
        XCTAssertThrowsError(try a.reshape([5])) { XCTAssertTrue("\($0)".hasPrefix("reshape: shape mismatch [2, 3] vs [5]")) }
        XCTAssertThrowsError(try a.sum(axis: 2)) { XCTAssertEqual("\($0)", "sum: axis 2 out of range for rank 2") }
        XCTAssertThrowsError(try Tensor([1, 2, 3], shape: [2, 2]))
        XCTAssertThrowsError(try a.crossEntropy(targets: [0, 3])) { XCTAssertTrue("\($0)".contains("target 3 outside 0..<3")) }
        XCTAssertThrowsError(try a.indexSelect(axis: 0, indices: [2]))
        XCTAssertThrowsError(try a.layerNorm(weight: Tensor.ones([2]), bias: nil))
        XCTAssertThrowsError(try Tensor.concat([a, b], axis: 0))
    }

    func testBroadcastArithmeticValues() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]), b = Tensor([10, 20, 30])
        XCTAssertEqual(try (a + b).toArray(), [11, 22, 33, 14, 25, 36])
        XCTAssertEqual(try (a * Tensor([2, 3], shape: [2, 1])).toArray(), [2, 4, 6, 12, 15, 18])
        XCTAssertEqual(try (a.T - b.reshape([3, 1])).toArray(), [-9, -6, -18, -15, -27, -24])
        XCTAssertEqual(try (1 - a / 2).toArray(), [0.5, 0, -0.5, -1, -1.5, -2])
    }

    func testReductionsValues() throws {
        let a = try Tensor([1, 5, 3, 4, 2, 6], shape: [2, 3])
        XCTAssertEqual(try a.sum(axis: 0).toArray(), [5, 7, 9])
        XCTAssertEqual(try a.mean(axis: 1, keepDims: true).shape, [2, 1])
        XCTAssertEqual(try a.max(axis: 1).toArray(), [5, 6])
        XCTAssertEqual(try a.argmax(axis: 1).toArray(), [1, 2])
        XCTAssertEqual(try a.argmax(axis: 0).toArray(), [1, 0, 1])
        let s = try Tensor([1000, 1001, 1002]).softmax()
        XCTAssertEqual(s.toArray().reduce(0, +), 1, accuracy: 1e-6, "softmax must be stable for large logits")
        let masked = try Tensor([-Float.infinity, -Float.infinity], shape: [1, 2]).softmax()
        XCTAssertTrue(masked.toArray().allSatisfy(\.isNaN), "a fully masked row is NaN, as in PyTorch")
    }

    func testNoGradPathRecordsNothing() throws {
        let w = Tensor.ones([3, 3]).requiringGrad()
        let x = Tensor.ones([2, 3])
        let y = try GradMode.withoutGrad { try x.matmul(w).relu() }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertThrowsError(try y.sum().backward())
        let frozen = try x.matmul(Tensor.ones([3, 3]))
        XCTAssertFalse(frozen.requiresGrad, "ops on tensors that need no grad record nothing")
        let z = try x.matmul(w).sum()
        XCTAssertTrue(z.requiresGrad)
        try z.backward()
        XCTAssertEqual(w.grad?.toArray(), [Float](repeating: 2, count: 9))
        try z.backward()
        XCTAssertEqual(w.grad?.toArray(), [Float](repeating: 4, count: 9), "gradients accumulate like PyTorch")
    }
}

/// Reductions of views that start inside their storage (a slice of rows).
final class OffsetViewReductionTests: XCTestCase {
    func testReducingAnAxisOfSizeOneKeepsTheViewsOffset() throws {
        let t = try Tensor((0..<8).map(Float.init), shape: [4, 2])
        let row = try t.slice(axis: 0, start: 2, end: 3)  // [[4, 5]], offset 4
        XCTAssertEqual(try row.sum(axis: 0).toArray(), [4, 5])
        XCTAssertEqual(try row.mean(axis: 0).toArray(), [4, 5])
        XCTAssertEqual(try row.sum(axis: 0, keepDims: true).toArray(), [4, 5])
        XCTAssertEqual(try t.slice(axis: 0, start: 1, end: 3).mean(axis: 0).toArray(), [3, 4])
        XCTAssertEqual(try t.slice(axis: 0, start: 3, end: 4).sum().toArray(), [13])
    }
}
