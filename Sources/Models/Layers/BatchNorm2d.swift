import Support
import Tensor

/// The running statistics of a BatchNorm layer, as a checkpoint stores them (`running_mean`,
/// `running_var`, `num_batches_tracked`): what eval mode normalises with, and what train mode
/// updates. The PALM reference saves HTSAT's `bn0` statistics beside each learner because its
/// training drifts them.
public struct BatchNormStatistics: Sendable, Equatable {
    public var mean: [Float]
    public var variance: [Float]
    public var batchesTracked: Int64

    public init(mean: [Float], variance: [Float], batchesTracked: Int64 = 0) {
        self.mean = mean
        self.variance = variance
        self.batchesTracked = batchesTracked
    }

    /// Identifies the values (feature caches computed with them key on it).
    public var fingerprint: String {
        var h = FNV1a64()
        mean.withUnsafeBytes { h.combine($0) }
        variance.withUnsafeBytes { h.combine($0) }
        withUnsafeBytes(of: batchesTracked.littleEndian) { h.combine($0) }
        return String(h.value, radix: 16)
    }
}

/// `nn.BatchNorm2d`: in eval mode `(x - running_mean) / sqrt(running_var + eps) * weight + bias`
/// per channel, folded into one scale and shift; in train mode (`training(_:...)`) the batch's
/// own statistics, with the running ones updated as PyTorch does. Checkpoint keys: `weight`,
/// `bias`, `running_mean`, `running_var` (`[channels]`) and, when present, `num_batches_tracked`.
public struct BatchNorm2d: Sendable {
    public let weight: Tensor
    public let bias: Tensor
    public let eps: Float
    /// The running statistics eval mode uses.
    public let statistics: BatchNormStatistics
    /// `weight / sqrt(running_var + eps)`.
    public let scale: Tensor
    /// `bias - running_mean * scale`.
    public let shift: Tensor

    public init(_ loader: WeightLoader, channels: Int, eps: Float = 1e-5) throws {
        let w = try loader.tensor("weight", shape: [channels]), b = try loader.tensor("bias", shape: [channels])
        let m = try loader.tensor("running_mean", shape: [channels]), v = try loader.tensor("running_var", shape: [channels])
        let tracked = loader.contains("num_batches_tracked") ? Int64(try loader.tensor("num_batches_tracked", shape: []).toArray()[0]) : 0
        self.init(weight: w, bias: b, eps: eps, statistics: BatchNormStatistics(mean: m.toArray(), variance: v.toArray(), batchesTracked: tracked))
    }

    public init(weight: Tensor, bias: Tensor, eps: Float = 1e-5, statistics: BatchNormStatistics) {
        self.weight = weight
        self.bias = bias
        self.eps = eps
        self.statistics = statistics
        let channels = weight.count
        let s = Tensor.zeros([channels]), t = Tensor.zeros([channels])
        for c in 0..<channels {
            // Double for the folding, as PyTorch computes (x - mean) * rsqrt(var + eps) in float
            // per element; folding in double keeps the difference at float rounding.
            let sc = Double(weight.pointer[c]) / (Double(statistics.variance[c]) + Double(eps)).squareRoot()
            s.pointer[c] = Float(sc)
            t.pointer[c] = Float(Double(bias.pointer[c]) - Double(statistics.mean[c]) * sc)
        }
        scale = s
        shift = t
    }

    /// The same layer normalising with `statistics` in eval mode.
    public func with(statistics: BatchNormStatistics) -> BatchNorm2d {
        BatchNorm2d(weight: weight, bias: bias, eps: eps, statistics: statistics)
    }

    /// Eval mode: normalises `x` whose channel axis is `channelAxis` (PyTorch's is 1; HTSAT's
    /// `bn0` runs on the mel axis, which is the last axis of its `[B, 1, T, mels]` log-mel).
    public func callAsFunction(_ x: Tensor, channelAxis: Int = 1) throws -> Tensor {
        let shape = try channelShape(x, channelAxis)
        return try x * scale.reshape(shape) + shift.reshape(shape)
    }

    /// Eval mode then ReLU, written over `x` in one pass: for a fresh, contiguous `[N, C, ...]`
    /// result that nothing else holds and that is off the tape (a frozen convolution's output),
    /// where the separate scale, shift and ReLU would each make and fill a tensor as large.
    /// Anything else goes through `callAsFunction` and `relu`.
    public func reluInPlace(_ x: Tensor) throws -> Tensor {
        guard !x.requiresGrad, x.isContiguous, x.rank >= 2, x.shape[1] == scale.count else { return try self(x).relu() }
        let n = x.shape[0], c = x.shape[1], plane = x.count / Swift.max(n * c, 1)
        let (p, sc, sh) = (UncheckedBox(x.pointer), UncheckedBox(scale.pointer), UncheckedBox(shift.pointer))
        ParallelFor.chunks(n * c, grain: Swift.max(1, 32768 / Swift.max(plane, 1))) { lo, hi in
            for row in lo..<hi {
                let a = sc.value[row % c], b = sh.value[row % c], v = p.value + row * plane
                for i in 0..<plane { v[i] = Swift.max(v[i] * a + b, 0) }
            }
        }
        return x
    }

    /// Train mode (`nn.BatchNorm2d.train()`): normalises with the batch's own mean and biased
    /// variance over every axis but the channel axis, and moves `running` towards the batch's
    /// mean and *unbiased* variance by `momentum` (`running = (1 - m) running + m batch`),
    /// counting the batch. No tape (the layer's parameters are frozen).
    public func training(_ x: Tensor, channelAxis: Int = 1, running: inout BatchNormStatistics, momentum: Float = 0.1) throws -> Tensor {
        let shape = try channelShape(x, channelAxis)
        let a = shape.firstIndex { $0 != 1 } ?? channelAxis
        let channels = weight.count
        // Channel-major copy: one contiguous run of `n` values per channel.
        let order = [a] + (0..<x.rank).filter { $0 != a }
        let rows = try x.permute(order).contiguous().reshape([channels, -1])
        let n = rows.shape[1]
        guard n > 1 else { throw TensorError.invalidArgument(op: "BatchNorm2d.training", message: "needs more than one value per channel") }
        let s = Tensor.zeros([channels]), t = Tensor.zeros([channels])
        for c in 0..<channels {
            var sum = 0.0, squares = 0.0
            let p = rows.pointer + c * n
            for i in 0..<n { sum += Double(p[i]) }
            let mean = sum / Double(n)
            for i in 0..<n { let d = Double(p[i]) - mean; squares += d * d }
            let biased = squares / Double(n), unbiased = squares / Double(n - 1)
            let sc = Double(weight.pointer[c]) / (biased + Double(eps)).squareRoot()
            s.pointer[c] = Float(sc)
            t.pointer[c] = Float(Double(bias.pointer[c]) - mean * sc)
            running.mean[c] = Float((1 - Double(momentum)) * Double(running.mean[c]) + Double(momentum) * mean)
            running.variance[c] = Float((1 - Double(momentum)) * Double(running.variance[c]) + Double(momentum) * unbiased)
        }
        running.batchesTracked += 1
        return try GradMode.withoutGrad { try x * s.reshape(shape) + t.reshape(shape) }
    }

    private func channelShape(_ x: Tensor, _ channelAxis: Int) throws -> [Int] {
        let a = try normalizeAxis(channelAxis, rank: x.rank, op: "BatchNorm2d")
        guard x.shape[a] == scale.count else {
            throw TensorError.shapeMismatch(op: "BatchNorm2d", shapes: [x.shape], reason: "axis \(a) has \(x.shape[a]) channels, expected \(scale.count)")
        }
        var shape = [Int](repeating: 1, count: x.rank)
        shape[a] = scale.count
        return shape
    }
}
