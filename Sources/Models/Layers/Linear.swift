import CBLAS
import Tensor

// `nn.Linear` as a callable layer. On the tape it is `x @ W^T + b` from Tensor ops; off the tape
// (frozen encoders) it is one fused GEMM: the output rows are pre-filled with the bias and
// sgemm accumulates onto them (beta = 1), so no separate broadcast-add pass and no temporary.

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

    /// The fused inference path (also used by the Swin blocks' fused kernels).
    static func forwardNoTape(_ x: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        let k = weight.shape[1], n = weight.shape[0]
        let xc = x.isContiguous ? x : x.contiguous()
        let rows = xc.count / Swift.max(k, 1)
        let out = Tensor.zeros(Array(x.shape.dropLast()) + [n])
        let po = out.pointer
        if let bias {
            let pb = bias.isContiguous ? bias : bias.contiguous()
            for r in 0..<rows { (po + r * n).update(from: pb.pointer, count: n) }
        }
        let w = weight.isContiguous ? weight : weight.contiguous()
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(n), Int32(k), 1,
                    xc.pointer, Int32(k), w.pointer, Int32(k), bias == nil ? 0 : 1, po, Int32(n))
        withExtendedLifetime((xc, w)) {}
        return out
    }
}
