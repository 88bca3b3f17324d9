import CBLAS
import Foundation
import Support
import Tensor

/// The activations the encoders use. CLIP's text tower uses QuickGELU (`x * sigmoid(1.702 x)`);
/// Swin/HTSAT and the PENGI projection use the erf GELU (Tensor's `gelu`); GPT-2 the tanh
/// approximation (`gelu_new`).
public enum Activation: Sendable {
    case gelu, geluTanh, quickGelu
    /// `max(x, 0)` (LAION-CLAP's projection MLPs).
    case relu

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .gelu: return x.gelu()
        case .geluTanh: return x.geluTanh()
        case .quickGelu: return x.quickGelu()
        case .relu: return x.relu()
        }
    }

    /// The activation of `count` contiguous floats in place (the frozen kernels' epilogue).
    public func applyInPlace(_ p: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .gelu: FastMath.gelu(p, count: count)
        case .geluTanh: FastMath.geluTanh(p, count: count)
        case .quickGelu: FastMath.quickGelu(p, count: count)
        case .relu: for i in 0..<count where !(p[i] > 0) { p[i] = 0 }
        }
    }
}

/// Transformer feed-forward block `fc2(act(fc1(x)))`. Checkpoint keys: `fc1.*`, `fc2.*`.
public struct MLP: Sendable {
    public let fc1: Linear
    public let fc2: Linear
    public let activation: Activation

    public init(_ loader: WeightLoader, dim: Int, hidden: Int, activation: Activation) throws {
        fc1 = try Linear(loader.scoped("fc1"), inFeatures: dim, outFeatures: hidden)
        fc2 = try Linear(loader.scoped("fc2"), inFeatures: hidden, outFeatures: dim)
        self.activation = activation
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        if GradMode.isEnabled && (x.requiresGrad || fc1.weight.requiresGrad) {
            return try fc2(activation(fc1(x)))
        }
        // Frozen: the activation applied in place on fc1's output (Tensor's FastMath kernels).
        let rows = Double(x.count / Swift.max(fc1.inFeatures, 1)), flops = 2 * rows * Double(fc1.weight.count)
        let h = try StageProfiler.measure("mlp fc1 + activation", flops: flops) {
            try Linear.forwardNoTape(x, weight: fc1.weight, bias: fc1.bias, activation: activation)
        }
        return try StageProfiler.measure("mlp fc2", flops: flops) { try fc2(h) }
    }
}

extension MLP {
    /// Largest `fc1` (in x out) the fused residual path takes: beyond it each block of rows
    /// would re-pack more weights than it multiplies (measured on HTSAT: stages 0 and 1 gain,
    /// the wide stages run at full GEMM speed unfused).
    static let fusedWeightLimit = 1 << 18

    /// `x + fc2(act(fc1(norm(x))))` off the tape (a pre-norm transformer's feed-forward half
    /// with its residual), for `x [..., C]`. For narrow layers, one block of rows at a time per
    /// core, in cache: LayerNorm rows, fc1 GEMM over its bias, activation, fc2 GEMM accumulated
    /// onto `x + bias` (the residual is the GEMM's C). This drops the passes over the
    /// activations that the separate steps make (the hidden activations never leave cache);
    /// equal to the separate steps within float rounding.
    public func residualFrozen(_ x: Tensor, norm: LayerNorm) throws -> Tensor {
        let c = fc1.inFeatures, hidden = fc1.weight.shape[0]
        guard x.shape.last == c, fc2.weight.shape == [c, hidden], fc1.weight.count <= Self.fusedWeightLimit,
              norm.weight.shape == [c], !GradMode.isEnabled || !(x.requiresGrad || fc1.weight.requiresGrad) else {
            let h = try StageProfiler.measure("norm2") { try norm(x) }
            let m = try self(h)
            return try StageProfiler.measure("residual") { try x + m }
        }
        let rows = x.count / c
        let flops = 4 * Double(rows) * Double(c * hidden)
        return StageProfiler.measure("mlp fused (norm2, fc1, act, fc2, residual)", flops: flops) {
            fusedResidual(x.isContiguous ? x : x.contiguous(), rows: rows, width: c, hidden: hidden, norm: norm)
        }
    }

    private func fusedResidual(_ x: Tensor, rows: Int, width c: Int, hidden: Int, norm: LayerNorm) -> Tensor {
        let out = Tensor.uninitialized(x.shape)
        // Rows per block: the hidden block (block x hidden floats) stays within ~768 KB of L2.
        let block = Swift.max(64, Swift.min(1024, (3 << 16) / hidden) / 16 * 16)
        let blocks = (rows + block - 1) / block
        let w1 = fc1.weight.contiguous(), w2 = fc2.weight.contiguous()
        let b1 = fc1.bias?.contiguous(), b2 = fc2.bias?.contiguous()
        let nw = norm.weight.contiguous(), nb = norm.bias.contiguous()
        let (px, po) = (UncheckedBox(x.pointer), UncheckedBox(out.pointer))
        let (pw1, pw2, pb1, pb2) = (UncheckedBox(w1.pointer), UncheckedBox(w2.pointer), UncheckedBox(b1?.pointer), UncheckedBox(b2?.pointer))
        let (pnw, pnb) = (UncheckedBox(nw.pointer), UncheckedBox(nb.pointer))
        let eps = norm.eps, activation = self.activation
        BLASThreads.singleThreaded()  // one single-threaded GEMM per core and block
        ParallelFor.chunks(blocks, grain: 1) { lo, hi in
            let normed = UnsafeMutablePointer<Float>.allocate(capacity: block * c)
            let h = UnsafeMutablePointer<Float>.allocate(capacity: block * hidden)
            defer { normed.deallocate(); h.deallocate() }
            for blk in lo..<hi {
                let r0 = blk * block, m = Swift.min(block, rows - r0)
                let xs = px.value + r0 * c, os = po.value + r0 * c
                Tensor.layerNormRows(xs, into: normed, rows: m, width: c, weight: pnw.value, bias: pnb.value, eps: eps)
                for r in 0..<m {
                    if let b = pb1.value { (h + r * hidden).update(from: b, count: hidden) } else { (h + r * hidden).update(repeating: 0, count: hidden) }
                    let o = os + r * c, xr = xs + r * c
                    if let b = pb2.value { for j in 0..<c { o[j] = xr[j] + b[j] } } else { o.update(from: xr, count: c) }
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(hidden), Int32(c), 1,
                            normed, Int32(c), pw1.value, Int32(c), 1, h, Int32(hidden))
                activation.applyInPlace(h, count: m * hidden)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(c), Int32(hidden), 1,
                            h, Int32(hidden), pw2.value, Int32(hidden), 1, os, Int32(c))
            }
        }
        withExtendedLifetime((x, w1, w2, b1, b2, nw, nb)) {}
        return out
    }
}
