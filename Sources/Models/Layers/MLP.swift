import Foundation
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
        return try fc2(Linear.forwardNoTape(x, weight: fc1.weight, bias: fc1.bias, activation: activation))
    }
}
