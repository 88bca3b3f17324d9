import Tensor
import TestSupport
import XCTest

/// The engine kernels whose fast paths only larger shapes reach: GEMMs split across cores,
/// many small GEMMs spread over cores, the fused linear and attention ops, the multi-core
/// LayerNorm backward, and the large-block cache.
final class FastPathTests: XCTestCase {
    func naive(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for p in 0..<k { let av = a[i * k + p]; for j in 0..<n { out[i * n + j] += av * b[p * n + j] } } }
        return out
    }

    func maxDifference(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }

    func testSplitGEMMsMatchANaiveProduct() throws {
        var g = SeededGenerator(seed: 21)
        // Above the split threshold: rows split (m >= n), columns split (m < n), odd sizes.
        for (m, n, k) in [(203, 77, 150), (40, 333, 170), (16, 1000, 140), (130, 130, 130)] {
            let a = Tensor.uniform([m, k], generator: &g), b = Tensor.uniform([k, n], generator: &g)
            let want = naive(a.toArray(), b.toArray(), m: m, n: n, k: k)
            XCTAssertLessThan(maxDifference(try a.matmul(b).toArray(), want), 1e-3, "\(m)x\(n)x\(k)")
            XCTAssertLessThan(maxDifference(try a.T.contiguous().T.matmul(b).toArray(), want), 1e-3, "\(m)x\(n)x\(k) A transposed")
            XCTAssertLessThan(maxDifference(try a.matmul(b.T.contiguous().T).toArray(), want), 1e-3, "\(m)x\(n)x\(k) B transposed")
        }
    }

    func testManySmallGEMMsSpreadOverCoresMatchANaiveProduct() throws {
        var g = SeededGenerator(seed: 22)
        let (nb, m, n, k) = (120, 20, 30, 40)
        let a = Tensor.uniform([nb, m, k], generator: &g), b = Tensor.uniform([nb, n, k], generator: &g)
        let c = try a.matmul(b.transpose(1, 2)).toArray()
        let av = a.toArray(), bv = try b.transpose(1, 2).contiguous().toArray()
        for i in [0, 1, 59, 119] {
            let want = naive(Array(av[(i * m * k)..<((i + 1) * m * k)]), Array(bv[(i * k * n)..<((i + 1) * k * n)]), m: m, n: n, k: k)
            XCTAssertLessThan(maxDifference(Array(c[(i * m * n)..<((i + 1) * m * n)]), want), 1e-4, "item \(i)")
        }
    }

    /// `linear` (bias folded into the GEMM) against `matmul` + broadcast add, values and
    /// gradients, on a batch large enough for the split GEMM.
    func testLinearMatchesMatmulPlusBias() throws {
        var g = SeededGenerator(seed: 23)
        let x = Tensor.uniform([3, 70, 96], generator: &g), w = Tensor.uniform([130, 96], generator: &g)
        let b = Tensor.uniform([130], generator: &g), r = Tensor.uniform([3, 70, 130], generator: &g)
        func run(_ f: (Tensor, Tensor, Tensor) throws -> Tensor) throws -> [[Float]] {
            let (xi, wi, bi) = (x.copy().requiringGrad(), w.copy().requiringGrad(), b.copy().requiringGrad())
            let y = try f(xi, wi, bi)
            try (y * r).sum().backward()
            return [y.toArray(), xi.grad!.toArray(), wi.grad!.toArray(), bi.grad!.toArray()]
        }
        let fused = try run { try $0.linear(weight: $1, bias: $2) }
        let composite = try run { try $0.matmul($1.T) + $2 }
        for (i, label) in ["y", "dx", "dW", "db"].enumerated() {
            XCTAssertLessThan(maxDifference(fused[i], composite[i]), 1e-3, label)
        }
        XCTAssertEqual(try x.linear(weight: w).toArray(), try x.matmul(w.T).toArray(), "no bias")
    }

    /// The fused attention against the same computation from primitive ops, values and the
    /// gradients of q, k, v, with the rank-4 head-split views the CLIP layers pass.
    func testFusedAttentionMatchesPrimitiveOps() throws {
        var g = SeededGenerator(seed: 24)
        let (b, t, heads, d) = (3, 9, 4, 8), c = heads * d
        let qkv = (0..<3).map { _ in Tensor.uniform([b, t, c], generator: &g) }
        let r = Tensor.uniform([b, t, c], generator: &g)
        for mask in [Tensor.causalMask(t), Tensor.paddingMask(lengths: [9, 4, 6], maxLength: t), nil] {
            func run(fused: Bool) throws -> [[Float]] {
                let leaves = qkv.map { $0.copy().requiringGrad() }
                let (q, k, v) = try (leaves[0].reshape([b, t, heads, d]).transpose(1, 2), leaves[1].reshape([b, t, heads, d]).transpose(1, 2),
                                     leaves[2].reshape([b, t, heads, d]).transpose(1, 2))
                let o: Tensor
                if fused {
                    o = try Tensor.scaledDotProductAttention(q: q, k: k, v: v, mask: mask)
                } else {
                    var s = try q.matmul(k.T) * (1 / Float(d).squareRoot())
                    if let mask { s = try s + mask }
                    o = try s.softmax(axis: -1).matmul(v)
                }
                let y = try o.transpose(1, 2).reshape([b, t, c])
                try (y * r).sum().backward()
                return [y.toArray()] + leaves.map { $0.grad!.toArray() }
            }
            let fused = try run(fused: true), composite = try run(fused: false)
            for (i, label) in ["out", "dq", "dk", "dv"].enumerated() {
                XCTAssertLessThan(maxDifference(fused[i], composite[i]), 1e-5, "\(label), mask \(mask?.shape ?? [])")
            }
        }
    }

    /// The multi-core LayerNorm backward (rows split, per-part weight/bias sums) against the
    /// same normalisation written with primitive differentiable ops.
    func testLayerNormOnManyRowsMatchesPrimitiveOps() throws {
        var g = SeededGenerator(seed: 25)
        let x = Tensor.uniform([130, 512], low: -3, high: 5, generator: &g)
        let w = Tensor.uniform([512], low: 0.5, high: 1.5, generator: &g), bias = Tensor.uniform([512], generator: &g)
        let r = Tensor.uniform([130, 512], generator: &g)
        func run(_ f: (Tensor, Tensor, Tensor) throws -> Tensor) throws -> [[Float]] {
            let (xi, wi, bi) = (x.copy().requiringGrad(), w.copy().requiringGrad(), bias.copy().requiringGrad())
            try (f(xi, wi, bi) * r).sum().backward()
            return [xi.grad!.toArray(), wi.grad!.toArray(), bi.grad!.toArray()]
        }
        let fused = try run { try $0.layerNorm(weight: $1, bias: $2) }
        let composite = try run { x, w, b in
            let centred = try x - x.mean(axis: -1, keepDims: true)
            let variance = try (centred * centred).mean(axis: -1, keepDims: true)
            return try centred / (variance + 1e-5).sqrt() * w + b
        }
        for (i, label) in ["dx", "dweight", "dbias"].enumerated() {
            XCTAssertLessThan(maxDifference(fused[i], composite[i]), 2e-4, label)
        }
    }

    func testLargeBlocksAreReusedAndStillFilled() {
        let count = 1 << 21  // 8 MB
        var first: Tensor? = Tensor.full([count], 3)
        let address = first!.pointer
        first = nil
        let second = Tensor.zeros([count])
        XCTAssertEqual(second.pointer, address, "a freed large block is handed to the next allocation of its size")
        XCTAssertTrue(second.toArray().allSatisfy { $0 == 0 })
    }
}
