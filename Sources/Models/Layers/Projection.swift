import Tensor

// PENGI's projection head (microsoft/Pengi models/pengi.py `Projection`), used on both towers:
//   e1 = linear1(x); out = layer_norm(e1 + drop(linear2(gelu(e1))))
// GELU is the exact erf form; the dropout (p = 0.5) is inactive in eval (`callAsFunction`) and
// active in train mode (`training(_:dropout:generator:)`, as the PALM reference trains).

/// PENGI `Projection`: `LN(e1 + W2 gelu(e1))`, `e1 = W1 x`. Checkpoint keys: `linear1.weight`
/// `[out, in]`, `linear2.weight` `[out, out]` (both without bias), `layer_norm.{weight,bias}`.
public struct Projection: Sendable {
    public let linear1: Linear
    public let linear2: Linear
    public let layerNorm: LayerNorm

    public init(_ loader: WeightLoader, inFeatures: Int, outFeatures: Int) throws {
        linear1 = try Linear(loader.scoped("linear1"), inFeatures: inFeatures, outFeatures: outFeatures, bias: false)
        linear2 = try Linear(loader.scoped("linear2"), inFeatures: outFeatures, outFeatures: outFeatures, bias: false)
        layerNorm = try LayerNorm(loader.scoped("layer_norm"), dim: outFeatures)
    }

    /// `[..., in] -> [..., out]`, eval mode.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let e1 = try linear1(x)
        return try layerNorm(e1 + linear2(e1.gelu()))
    }

    /// Train mode: `nn.Dropout(rate)` on the second branch, each element kept (scaled by
    /// `1 / (1 - rate)`) or zeroed from `generator`. Differentiable in `x` (the mask is data).
    public func training(_ x: Tensor, dropout rate: Float = Projection.dropout, generator g: inout SeededGenerator) throws -> Tensor {
        let e1 = try linear1(x)
        return try layerNorm(e1 + linear2(e1.gelu()).dropout(rate, generator: &g))
    }

    /// PENGI's `Projection(d_in, d_out, p=0.5)`.
    public static let dropout: Float = 0.5
}
