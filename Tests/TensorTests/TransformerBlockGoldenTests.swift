import Tensor
import TestSupport
import XCTest

/// One CLIP text-encoder block (pre-LN, 8 heads, causal mask, QuickGELU MLP, width 512) run
/// forward and backward, compared with PyTorch (`Scripts/fixtures/tensor.py`). Weights are
/// regenerated from `HashWeights`; the fixture holds input, output, input gradient and, per
/// parameter gradient, its first 4 rows and 4 random projections.
final class TransformerBlockGoldenTests: XCTestCase {
    static let specs: [(String, [Int], Int, Float)] = {
        let w: Float = 1 / Float(512).squareRoot()
        return [
            ("layer_norm1.weight", [512], 1, 0.1), ("layer_norm1.bias", [512], 2, 0.1),
            ("self_attn.q_proj.weight", [512, 512], 3, w), ("self_attn.q_proj.bias", [512], 4, 0.02),
            ("self_attn.k_proj.weight", [512, 512], 5, w), ("self_attn.k_proj.bias", [512], 6, 0.02),
            ("self_attn.v_proj.weight", [512, 512], 7, w), ("self_attn.v_proj.bias", [512], 8, 0.02),
            ("self_attn.out_proj.weight", [512, 512], 9, w), ("self_attn.out_proj.bias", [512], 10, 0.02),
            ("layer_norm2.weight", [512], 11, 0.1), ("layer_norm2.bias", [512], 12, 0.1),
            ("mlp.fc1.weight", [2048, 512], 13, w), ("mlp.fc1.bias", [2048], 14, 0.02),
            ("mlp.fc2.weight", [512, 2048], 15, 1 / Float(2048).squareRoot()), ("mlp.fc2.bias", [512], 16, 0.02),
        ]
    }()

    static func parameters() -> [String: Tensor] {
        var p: [String: Tensor] = [:]
        for (name, shape, seed, scale) in specs {
            var t = HashWeights.tensor(shape, seed: seed, scale: scale)
            if name.hasPrefix("layer_norm") && name.hasSuffix("weight") { t = t + 1 }
            p[name] = t.requiringGrad()
        }
        return p
    }

    /// The block as engine ops (the same composition the CLIP tower uses).
    static func block(_ x: Tensor, _ p: [String: Tensor], heads: Int = 8) throws -> Tensor {
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2]), dh = c / heads
        func proj(_ h: Tensor, _ name: String) throws -> Tensor {
            try h.linear(weight: p["self_attn.\(name).weight"]!, bias: p["self_attn.\(name).bias"]!)
        }
        func heads_(_ z: Tensor) throws -> Tensor { try z.reshape([b, t, heads, dh]).transpose(1, 2) }
        var h = try x.layerNorm(weight: p["layer_norm1.weight"]!, bias: p["layer_norm1.bias"]!)
        let q = try heads_(proj(h, "q_proj")), k = try heads_(proj(h, "k_proj")), v = try heads_(proj(h, "v_proj"))
        let o = try Tensor.scaledDotProductAttention(q: q, k: k, v: v, mask: Tensor.causalMask(t)).transpose(1, 2).reshape([b, t, c])
        let x1 = try x + proj(o, "out_proj")
        h = try x1.layerNorm(weight: p["layer_norm2.weight"]!, bias: p["layer_norm2.bias"]!)
        h = try h.linear(weight: p["mlp.fc1.weight"]!, bias: p["mlp.fc1.bias"]!).quickGelu()
        return try x1 + h.linear(weight: p["mlp.fc2.weight"]!, bias: p["mlp.fc2.bias"]!)
    }

    func testForwardAndGradientsMatchPyTorch() throws {
        let fx = try Fixtures.safetensors("tensor/transformer_block.safetensors")
        let x = HashWeights.tensor([2, 7, 512], seed: 100, scale: 1).requiringGrad()
        assertClose(x, try fx.tensor("x"), tolerance: 0, "input regenerated from hash")
        let p = Self.parameters()
        let y = try Self.block(x, p)
        assertClose(y, try fx.tensor("y"), tolerance: 2e-5, "block output")
        let r = HashWeights.tensor(y.shape, seed: 101, scale: 1)
        try (y * r).sum().backward()
        assertClose(x.grad!, try fx.tensor("dx"), tolerance: 2e-5, "d loss / d x")
        for (name, shape, _, _) in Self.specs {
            let g = p[name]!.grad!
            let rows = shape.count > 1 ? try g.slice(axis: 0, start: 0, end: 4) : try g.reshape([1, -1])
            assertClose(rows, try fx.tensor("grad.\(name).rows"), tolerance: 2e-5, "grad \(name) rows")
            let flat = try g.reshape([-1])
            let proj = try Tensor.stack((0..<4).map { HashWeights.tensor([g.count], seed: 200 + $0, scale: 1) }).matmul(flat)
            let expected = try fx.tensor("grad.\(name).proj")
            // Projections sum thousands of terms: compare relative to their size.
            let scale = max(1, expected.toArray().map(abs).max()!)
            assertClose(proj / scale, expected / scale, tolerance: 1e-5, "grad \(name) projections (relative)")
        }
    }
}
