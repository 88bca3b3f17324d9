import CBLAS
import CKernels
import Foundation
import Tensor

/// `palm bench engine`: the engine's matmul against raw `cblas_sgemm`, and a CLIP-text-sized
/// transformer block forward + backward against PyTorch CPU in the same run.
enum EngineBenchmark {
    static func run() throws {
        print("== engine ==")
        print("OpenBLAS threads: \(openblas_get_num_threads()), cores: \(ProcessInfo.processInfo.activeProcessorCount), \(BLASKernels.summary)")
        var sgemmPeak = 0.0
        for n in [512, 1024, 2048] {
            var g = SeededGenerator(seed: UInt64(n))
            let a = Tensor.normal([n, n], generator: &g), b = Tensor.normal([n, n], generator: &g)
            let c = Tensor.zeros([n, n])
            let repeats = n >= 2048 ? 5 : 15
            let raw = Stopwatch.median(repeats: repeats) {
                BLASThreads.prepare(flops: n * n * n)  // OpenBLAS's own threads on every core
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                            a.pointer, Int32(n), b.pointer, Int32(n), 0, c.pointer, Int32(n))
            }
            let engine = try Stopwatch.median(repeats: repeats) { _ = try a.matmul(b) }
            let engineT = try Stopwatch.median(repeats: repeats) { _ = try a.matmul(b.T) }
            let flops = 2 * pow(Double(n), 3)
            sgemmPeak = max(sgemmPeak, flops / raw / 1e9)
            print(String(format: "matmul %4d^3: cblas_sgemm %6.1f GFLOP/s | engine %6.1f GFLOP/s (ratio %.3f) | engine a @ b.T %6.1f GFLOP/s (ratio %.3f)",
                         n, flops / raw / 1e9, flops / engine / 1e9, raw / engine, flops / engineT / 1e9, raw / engineT))
        }

        elementwise()

        let (batch, tokens, width) = (50, 40, 512)
        let block = TransformerBlock(width: width, heads: 8, seed: 1)
        var g = SeededGenerator(seed: 2)
        let x = Tensor.normal([batch, tokens, width], generator: &g).requiringGrad()
        let step = try Stopwatch.median(repeats: 7) {
            block.zeroGrad(); x.zeroGrad()
            let y = try block(x)
            try y.sum().backward()
        }
        let forward = try Stopwatch.median(repeats: 7) { _ = try GradMode.withoutGrad { try block(x) } }
        let flops = block.forwardFLOPs(batch: batch, tokens: tokens) * 3  // backward ~ 2x forward
        print(String(format: "transformer block (batch %d x %d tokens, width %d, 8 heads, causal, QuickGELU):", batch, tokens, width))
        print(String(format: "  palm:    forward %.1f ms, forward+backward %.1f ms (%.1f GFLOP/s, %.0f%% of sgemm peak %.1f)",
                     forward * 1e3, step * 1e3, flops / step / 1e9, 100 * flops / step / 1e9 / sgemmPeak, sgemmPeak))
        if let torch = PythonBaseline.run(script: "engine.py", arguments: ["\(batch)", "\(tokens)", "\(width)"]),
           let tf = torch["forward_ms"] as? Double, let ts = torch["step_ms"] as? Double {
            print(String(format: "  PyTorch: forward %.1f ms, forward+backward %.1f ms (torch %@, %d threads)", tf, ts,
                         (torch["version"] as? String) ?? "?", (torch["threads"] as? Int) ?? 0))
            print(String(format: "  ratio (PyTorch time / palm time): forward %.2f, forward+backward %.2f", tf / (forward * 1e3), ts / (step * 1e3)))
        }
    }
}

extension EngineBenchmark {
    /// The frozen kernels' elementwise loops (`CKernels`) on one core, in each version this CPU
    /// runs: baseline x86-64 (what Swift compiles to) against the wider ones. 4 M floats, the
    /// size of a stage-0 HTSAT MLP activation of two clips.
    static func elementwise() {
        let n = 4 << 20
        var g = SeededGenerator(seed: 3)
        let source = (0..<n).map { _ in 6 * g.uniform() - 3 }
        let work = UnsafeMutablePointer<Float>.allocate(capacity: n)
        defer { work.deallocate() }
        let kernels: [(String, (Int32, UnsafeMutablePointer<Float>, Int) -> Void)] = [
            ("GELU (erf)", { palm_gelu_f32_isa($0, $1, $2) }), ("QuickGELU", { palm_quick_gelu_f32_isa($0, $1, $2) }),
            ("softmax exponent", { palm_exp_shifted_f32_isa($0, $1, $2, 3) }),
        ]
        let names = ["baseline x86-64", "AVX2", "AVX-512"]
        // Each run restores the input first (a kernel's output is not its own input's regime);
        // the copy's time is measured alone and taken off.
        let copy = Stopwatch.median(repeats: 9) { source.withUnsafeBufferPointer { work.update(from: $0.baseAddress!, count: n) } }
        print("elementwise kernels, one core, \(n >> 20) M floats (ms; the same bits in every version):")
        for (name, kernel) in kernels {
            var cells: [String] = [], baseline = 0.0
            for isa in 0...palm_kernels_isa() {
                let t = Stopwatch.median(repeats: 9) {
                    source.withUnsafeBufferPointer { work.update(from: $0.baseAddress!, count: n) }
                    kernel(isa, work, n)
                } - copy
                if isa == 0 { baseline = t }
                cells.append(String(format: "%@ %.2f", names[Int(isa)], t * 1e3) + (isa == 0 ? "" : String(format: " (%.2fx)", baseline / t)))
            }
            print("  \(name): " + cells.joined(separator: ", "))
        }
    }
}

/// A CLIP text-encoder block (pre-LayerNorm, causal multi-head attention, QuickGELU MLP) with
/// random weights, sized by `width`: the unit of work of CoOp's text tower.
final class TransformerBlock {
    let heads: Int
    let ln1w, ln1b, qw, qb, kw, kb, vw, vb, ow, ob, ln2w, ln2b, fc1w, fc1b, fc2w, fc2b: Tensor
    var parameters: [Tensor] { [ln1w, ln1b, qw, qb, kw, kb, vw, vb, ow, ob, ln2w, ln2b, fc1w, fc1b, fc2w, fc2b] }

    init(width c: Int, heads: Int, seed: UInt64) {
        self.heads = heads
        var g = SeededGenerator(seed: seed)
        func w(_ shape: [Int]) -> Tensor { Tensor.normal(shape, std: 0.02, generator: &g).requiringGrad() }
        ln1w = Tensor.ones([c]).requiringGrad(); ln1b = Tensor.zeros([c]).requiringGrad()
        ln2w = Tensor.ones([c]).requiringGrad(); ln2b = Tensor.zeros([c]).requiringGrad()
        qw = w([c, c]); qb = w([c]); kw = w([c, c]); kb = w([c]); vw = w([c, c]); vb = w([c]); ow = w([c, c]); ob = w([c])
        fc1w = w([4 * c, c]); fc1b = w([4 * c]); fc2w = w([c, 4 * c]); fc2b = w([c])
    }

    func zeroGrad() { parameters.forEach { $0.zeroGrad() } }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2]), dh = c / heads
        func split(_ z: Tensor) throws -> Tensor { try z.reshape([b, t, heads, dh]).transpose(1, 2) }
        var h = try x.layerNorm(weight: ln1w, bias: ln1b)
        let q = try split(h.linear(weight: qw, bias: qb)), k = try split(h.linear(weight: kw, bias: kb)), v = try split(h.linear(weight: vw, bias: vb))
        let o = try Tensor.scaledDotProductAttention(q: q, k: k, v: v, mask: Tensor.causalMask(t)).transpose(1, 2).reshape([b, t, c])
        let x1 = try x + o.linear(weight: ow, bias: ob)
        h = try x1.layerNorm(weight: ln2w, bias: ln2b).linear(weight: fc1w, bias: fc1b).quickGelu()
        return try x1 + h.linear(weight: fc2w, bias: fc2b)
    }

    /// Multiply-adds x2 of one forward pass (projections, MLP and the two attention products).
    func forwardFLOPs(batch: Int, tokens: Int) -> Double {
        let c = Double(qw.shape[0]), n = Double(batch * tokens)
        return n * (2 * 4 * c * c + 2 * 2 * c * 4 * c) + Double(batch) * 2 * 2 * Double(tokens * tokens) * c
    }
}
