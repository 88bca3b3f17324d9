import Tensor

/// `nn.BatchNorm2d` in eval mode: `(x - running_mean) / sqrt(running_var + eps) * weight + bias`
/// per channel, folded into one scale and shift. Checkpoint keys: `weight`, `bias`,
/// `running_mean`, `running_var` (`[channels]`); `num_batches_tracked` is a training counter and
/// is left to the caller's ignore list.
public struct BatchNorm2d: Sendable {
    /// `weight / sqrt(running_var + eps)`.
    public let scale: Tensor
    /// `bias - running_mean * scale`.
    public let shift: Tensor

    public init(_ loader: WeightLoader, channels: Int, eps: Float = 1e-5) throws {
        let w = try loader.tensor("weight", shape: [channels]), b = try loader.tensor("bias", shape: [channels])
        let m = try loader.tensor("running_mean", shape: [channels]), v = try loader.tensor("running_var", shape: [channels])
        let s = Tensor.zeros([channels]), t = Tensor.zeros([channels])
        for c in 0..<channels {
            // Double for the folding, as PyTorch computes (x - mean) * rsqrt(var + eps) in float
            // per element; folding in double keeps the difference at float rounding.
            let sc = Double(w.pointer[c]) / (Double(v.pointer[c]) + Double(eps)).squareRoot()
            s.pointer[c] = Float(sc)
            t.pointer[c] = Float(Double(b.pointer[c]) - Double(m.pointer[c]) * sc)
        }
        scale = s
        shift = t
    }

    /// Normalises `x` whose channel axis is `channelAxis` (PyTorch's is 1; HTSAT's `bn0` runs on
    /// the mel axis, which is the last axis of its `[B, 1, T, mels]` log-mel).
    public func callAsFunction(_ x: Tensor, channelAxis: Int = 1) throws -> Tensor {
        let a = try normalizeAxis(channelAxis, rank: x.rank, op: "BatchNorm2d")
        var shape = [Int](repeating: 1, count: x.rank)
        shape[a] = scale.count
        return try x * scale.reshape(shape) + shift.reshape(shape)
    }
}
