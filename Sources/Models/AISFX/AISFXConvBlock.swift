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

    /// `[N, C, H, W] -> [N, O, H / pool, W / pool]` (floor).
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let y = try bn2(conv2(bn1(conv1(x)).relu())).relu()
        return pool == (1, 1) ? y : try y.maxPool2d(kernel: pool)
    }
}
