import Tensor

/// The VGG-style block of the PANN family (the DCASE 2018 cross-task baseline's `ConvBlock`,
/// which aisfx and PANNs' CNN14 share): twice conv 3x3 (stride 1, padding 1, no bias) ->
/// BatchNorm (eval) -> ReLU, then a pooling (`F.max_pool2d` for aisfx, `F.avg_pool2d` for
/// CNN14; both floor). Checkpoint keys: `conv1.weight`, `bn1.*`, `conv2.weight`, `bn2.*`.
public struct ConvBlock: Sendable {
    /// The pooling after the convolutions.
    public enum Pooling: Sendable, Equatable {
        /// `F.max_pool2d` (aisfx).
        case max
        /// `F.avg_pool2d` (CNN14's `pool_type='avg'`).
        case average
    }

    public let conv1: Conv2d, bn1: BatchNorm2d
    public let conv2: Conv2d, bn2: BatchNorm2d
    /// The pooling window; `(1, 1)` is a no-op and skipped (the last block of both networks).
    public let pool: (Int, Int)
    public let pooling: Pooling

    public init(_ loader: WeightLoader, inChannels: Int, outChannels: Int, pool: (Int, Int), pooling: Pooling = .max) throws {
        conv1 = try Conv2d(loader.scoped("conv1"), inChannels: inChannels, outChannels: outChannels,
                           kernel: (3, 3), padding: (1, 1), bias: false)
        bn1 = try BatchNorm2d(loader.scoped("bn1"), channels: outChannels)
        conv2 = try Conv2d(loader.scoped("conv2"), inChannels: outChannels, outChannels: outChannels,
                           kernel: (3, 3), padding: (1, 1), bias: false)
        bn2 = try BatchNorm2d(loader.scoped("bn2"), channels: outChannels)
        self.pool = pool
        self.pooling = pooling
    }

    /// `[N, C, H, W] -> [N, O, H / pool, W / pool]` (floor), eval mode; `statistics` (bn1's,
    /// bn2's) replace the loaded running statistics.
    public func callAsFunction(_ x: Tensor, statistics: (BatchNormStatistics, BatchNormStatistics)? = nil) throws -> Tensor {
        let (n1, n2) = statistics.map { (bn1.with(statistics: $0.0), bn2.with(statistics: $0.1)) } ?? (bn1, bn2)
        return try pooled(n2.reluInPlace(conv2(n1.reluInPlace(conv1(x)))))
    }

    /// Train mode: both BatchNorms normalise with the batch's statistics and move `statistics`.
    public func training(_ x: Tensor, statistics: inout (BatchNormStatistics, BatchNormStatistics)) throws -> Tensor {
        let h = try bn1.training(conv1(x), running: &statistics.0).relu()
        return try pooled(bn2.training(conv2(h), running: &statistics.1).relu())
    }

    private func pooled(_ y: Tensor) throws -> Tensor {
        if pool == (1, 1) { return y }
        switch pooling {
        case .max: return try y.maxPool2d(kernel: pool)
        case .average: return try y.avgPool2d(kernel: pool)
        }
    }
}
