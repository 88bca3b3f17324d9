import Support
import Tensor

// `nn.Linear` as a callable layer: Tensor's `linear` (bias folded into the GEMM). Off the tape
// (frozen encoders) an activation can be fused: applied in place on the fresh output.

/// `y = x W^T + b` (PyTorch `nn.Linear`). Checkpoint keys: `weight` `[out, in]`, `bias` `[out]`.
public struct Linear: Sendable {
    /// `[outFeatures, inFeatures]`, as PyTorch stores it.
    public let weight: Tensor
    /// `[outFeatures]`, or nil for `bias=False` layers.
    public let bias: Tensor?
    public var inFeatures: Int { weight.shape[1] }

    /// Reads `weight` (and `bias` when `bias` is true) from `loader`, checking shapes.
    public init(_ loader: WeightLoader, inFeatures: Int, outFeatures: Int, bias: Bool = true) throws {
        weight = try loader.tensor("weight", shape: [outFeatures, inFeatures])
        self.bias = bias ? try loader.tensor("bias", shape: [outFeatures]) : nil
    }

    /// A layer from tensors already in PyTorch's layout (`weight` `[out, in]`), e.g. rows split
    /// from a fused projection.
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2 && (bias == nil || bias!.shape == [weight.shape[0]]), "Linear weight [out, in], bias [out]")
        self.weight = weight
        self.bias = bias
    }

    /// Applies the layer to `x` of shape `[..., inFeatures]`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard x.shape.last == inFeatures else {
            throw TensorError.shapeMismatch(op: "Linear", shapes: [x.shape, weight.shape], reason: "input features must be \(inFeatures)")
        }
        return try x.linear(weight: weight, bias: bias)
    }

    /// The inference path: Tensor's `linear`, then the activation (if any) applied in place on
    /// the fresh, unrecorded output: one pass, no temporary.
    static func forwardNoTape(_ x: Tensor, weight: Tensor, bias: Tensor?, activation: Activation? = nil) throws -> Tensor {
        let out = try x.linear(weight: weight, bias: bias)
        guard let activation else { return out }
        let n = weight.shape[0], rows = out.count / Swift.max(n, 1)
        let po = UncheckedBox(out.pointer)
        ParallelFor.chunks(rows, grain: Swift.max(1, 16384 / Swift.max(n, 1))) { lo, hi in
            let o = po.value + lo * n, count = (hi - lo) * n
            activation.applyInPlace(o, count: count)
        }
        return out
    }
}
