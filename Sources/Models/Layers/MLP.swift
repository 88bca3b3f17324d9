import Foundation
import Tensor

/// The activations the encoders use. CLIP's text tower uses QuickGELU (`x * sigmoid(1.702 x)`);
/// Swin/HTSAT and the PENGI projection use the exact erf GELU.
public enum Activation: Sendable {
    case gelu, quickGelu

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .gelu: return x.gelu()
        case .quickGelu: return x.quickGelu()
        }
    }

    /// Tensor's QuickGELU formula, for the fused inference pass (results bit-identical). The
    /// fused GELU is `FastGELU` (vectorised erf, ~4e-7 from the exact one).
    @inline(__always) static func quickGelu(_ x: Float) -> Float { x * (1 / (1 + Foundation.exp(-(1.702 * x)))) }
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
        // Frozen: bias and activation fused into one in-place pass over the hidden activations.
        return try fc2(Linear.forwardNoTape(x, weight: fc1.weight, bias: fc1.bias, activation: activation))
    }
}
