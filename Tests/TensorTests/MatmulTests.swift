import Tensor
import TestSupport
import XCTest

/// The BLAS-backed matmul against a naive triple loop, for every operand layout BLAS is handed
/// without a copy (transposed, sliced, broadcast batch) and for the layouts that need one.
final class MatmulTests: XCTestCase {
    func naive(_ a: Tensor, _ b: Tensor) -> [Float] {
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { var s: Float = 0; for p in 0..<k { s += a[i, p] * b[p, j] }; out[i * n + j] = s } }
        return out
    }

    func assertMatches(_ a: Tensor, _ b: Tensor, _ label: String) throws {
        let got = try a.matmul(b).toArray(), want = naive(a, b)
        let d = zip(got, want).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(d, 1e-4, label)
    }

    func testLayouts() throws {
        var g = SeededGenerator(seed: 1)
        let a = Tensor.uniform([7, 5], generator: &g), b = Tensor.uniform([5, 6], generator: &g)
        try assertMatches(a, b, "plain")
        try assertMatches(try Tensor.uniform([5, 7], generator: &g).T, b, "A transposed")
        try assertMatches(a, try Tensor.uniform([6, 5], generator: &g).T, "B transposed")
        let big = Tensor.uniform([9, 12], generator: &g)
        try assertMatches(try big.slice(axis: 0, start: 1, end: 8).slice(axis: 1, start: 2, end: 7), b, "A sliced (lda > cols)")
        try assertMatches(a, try big.slice(axis: 1, start: 0, end: 12, step: 2).slice(axis: 0, start: 0, end: 5), "B strided columns (copied)")
        try assertMatches(Tensor.uniform([1, 5], generator: &g), b, "single row")
        try assertMatches(a, Tensor.uniform([5, 1], generator: &g), "single column")
    }

    func testBatchedBroadcastMatchesPerBatchProducts() throws {
        var g = SeededGenerator(seed: 2)
        let a = Tensor.uniform([3, 1, 4, 5], generator: &g), b = Tensor.uniform([2, 5, 6], generator: &g)
        let c = try a.matmul(b)
        XCTAssertEqual(c.shape, [3, 2, 4, 6])
        for i in 0..<3 {
            for j in 0..<2 {
                let ai = try a.select(axis: 0, index: i).select(axis: 0, index: 0), bj = try b.select(axis: 0, index: j)
                let got = try c.select(axis: 0, index: i).select(axis: 0, index: j).toArray()
                XCTAssertEqual(got.count, 24)
                for (x, y) in zip(got, naive(ai, bj)) { XCTAssertEqual(x, y, accuracy: 1e-4) }
            }
        }
        // Folded path: [B, T, K] @ [K, N] as one GEMM.
        let x = Tensor.uniform([2, 3, 5], generator: &g), w = Tensor.uniform([5, 4], generator: &g)
        let y = try x.matmul(w)
        for bi in 0..<2 {
            for (p, q) in zip(try y.select(axis: 0, index: bi).toArray(), naive(try x.select(axis: 0, index: bi), w)) { XCTAssertEqual(p, q, accuracy: 1e-4) }
        }
    }
}
