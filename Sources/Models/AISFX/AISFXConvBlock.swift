import Tensor

/// aisfx's `ConvBlock` (the DCASE 2018 cross-task baseline's): twice conv 3x3 (stride 1,
/// padding 1, no bias) -> BatchNorm (eval) -> ReLU, then max-pool (`F.max_pool2d`, floor).
/// Checkpoint keys: `conv1.weight`, `bn1.*`, `conv2.weight`, `bn2.*`.
public struct AISFXConvBlock: Sendable {
    public let conv1: Conv2d, bn1: BatchNorm2d
    public let conv2: Conv2d, bn2: BatchNorm2d
    /// `(2, 2)` after blocks 1-3; `(1, 1)` (a no-op, skipped) after block 4.
    public let pool: (Int, Int)

    public init(_ loader: WeightLoader, inChannels: Int, outChannels: Int, pool: (Int, Int)) throws {
        conv1 = try Conv2d(loader.scoped("conv1"), inChannels: inChannels, outChannels: outChannels,
                           kernel: (3, 3), padding: (1, 1), bias: false)
        bn1 = try BatchNorm2d(loader.scoped("bn1"), channels: outChannels)
        conv2 = try Conv2d(loader.scoped("conv2"), inChannels: outChannels, outChannels: outChannels,
                           kernel: (3, 3), padding: (1, 1), bias: false)
        bn2 = try BatchNorm2d(loader.scoped("bn2"), channels: outChannels)
        self.pool = pool
    }

    /// `[N, C, H, W] -> [N, O, H / pool, W / pool]` (floor), eval mode; `statistics` (bn1's,
    /// bn2's) replace the loaded running statistics.
    public func callAsFunction(_ x: Tensor, statistics: (BatchNormStatistics, BatchNormStatistics)? = nil) throws -> Tensor {
        let (n1, n2) = statistics.map { (bn1.with(statistics: $0.0), bn2.with(statistics: $0.1)) } ?? (bn1, bn2)
        let y = try n2(conv2(n1(conv1(x)).relu())).relu()
        return pool == (1, 1) ? y : try y.maxPool2d(kernel: pool)
    }

    /// Train mode: both BatchNorms normalise with the batch's statistics and move `statistics`.
    public func training(_ x: Tensor, statistics: inout (BatchNormStatistics, BatchNormStatistics)) throws -> Tensor {
        let h = try bn1.training(conv1(x), running: &statistics.0).relu()
        let y = try bn2.training(conv2(h), running: &statistics.1).relu()
        return pool == (1, 1) ? y : try y.maxPool2d(kernel: pool)
    }
}
