import Tensor

/// `nn.Conv2d` (groups 1, dilation 1). Checkpoint keys: `weight` `[out, in, kh, kw]`, `bias` `[out]`.
public struct Conv2d: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: (Int, Int)
    public let padding: (Int, Int)

    public init(_ loader: WeightLoader, inChannels: Int, outChannels: Int, kernel: (Int, Int),
                stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), bias: Bool = true) throws {
        weight = try loader.tensor("weight", shape: [outChannels, inChannels, kernel.0, kernel.1])
        self.bias = bias ? try loader.tensor("bias", shape: [outChannels]) : nil
        self.stride = stride
        self.padding = padding
    }

    /// `[N, C, H, W] -> [N, O, HO, WO]`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.conv2d(weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
