import Tensor

/// `nn.LayerNorm` over the last axis. Checkpoint keys: `weight` and `bias`, both `[dim]`.
public struct LayerNorm: Sendable {
    public let weight: Tensor
    public let bias: Tensor
    /// Added to the variance; PyTorch's default and CLIP's/Swin's value is 1e-5.
    public let eps: Float

    public init(_ loader: WeightLoader, dim: Int, eps: Float = 1e-5) throws {
        weight = try loader.tensor("weight", shape: [dim])
        bias = try loader.tensor("bias", shape: [dim])
        self.eps = eps
    }

    /// Normalises `x` of shape `[..., dim]`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.layerNorm(weight: weight, bias: bias, eps: eps)
    }
}
