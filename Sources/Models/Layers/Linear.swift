import Tensor

// `nn.Linear` as a callable layer. On the tape it is `x @ W^T + b` from Tensor ops; off the tape
// (frozen encoders) the bias is added in place on the GEMM's fresh output instead of through a
// broadcasting add that allocates a second output-sized tensor.

/// `y = x W^T + b` (PyTorch `nn.Linear`). Checkpoint keys: `weight` `[out, in]`, `bias` `[out]`.
public struct Linear: Sendable {
    /// `[outFeatures, inFeatures]`, as PyTorch stores it.
    public let weight: Tensor
    /// `[outFeatures]`, or nil for `bias=False` layers.
    public let bias: Tensor?
    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    /// Reads `weight` (and `bias` when `bias` is true) from `loader`, checking shapes.
    public init(_ loader: WeightLoader, inFeatures: Int, outFeatures: Int, bias: Bool = true) throws {
        weight = try loader.tensor("weight", shape: [outFeatures, inFeatures])
        self.bias = bias ? try loader.tensor("bias", shape: [outFeatures]) : nil
    }

    /// Applies the layer to `x` of shape `[..., inFeatures]`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard x.shape.last == inFeatures else {
            throw TensorError.shapeMismatch(op: "Linear", shapes: [x.shape, weight.shape], reason: "input features must be \(inFeatures)")
        }
        if GradMode.isEnabled && (x.requiresGrad || weight.requiresGrad || (bias?.requiresGrad ?? false)) {
            let y = try x.matmul(weight.T)
            return try bias.map { try y + $0 } ?? y
        }
        return try Linear.forwardNoTape(x, weight: weight, bias: bias)
    }

    /// The inference path: Tensor's GEMM (which picks OpenBLAS's thread count per call), then
    /// the bias (and an optional activation) applied in place on the fresh, unrecorded output:
    /// one pass, no temporary.
    static func forwardNoTape(_ x: Tensor, weight: Tensor, bias: Tensor?, activation: Activation? = nil) throws -> Tensor {
        let out = try x.matmul(weight.T)
        if bias == nil && activation == nil { return out }
        let n = weight.shape[0], rows = out.count / Swift.max(n, 1)
        let b = bias.map { $0.isContiguous ? $0 : $0.contiguous() }
        let po = UncheckedBox(out.pointer), pb = UncheckedBox(b?.pointer)
        ParallelFor.chunks(rows, grain: Swift.max(1, 16384 / Swift.max(n, 1))) { lo, hi in
            for r in lo..<hi {
                let o = po.value + r * n
                if let pb = pb.value { for j in 0..<n { o[j] += pb[j] } }
                switch activation {
                case .gelu?: FastGELU.apply(o, count: n)
                case .quickGelu?: for j in 0..<n { o[j] = Activation.quickGelu(o[j]) }
                case nil: break
                }
            }
        }
        withExtendedLifetime(b) {}
        return out
    }
}
