extension Tensor {
    /// `nn.Dropout(rate)` in train mode: each element kept and scaled by `1 / (1 - rate)` with
    /// probability `1 - rate` (drawn from `generator`), else zeroed. The mask is data, so
    /// gradients flow to `self` through the kept elements. `rate` 0 returns `self`.
    public func dropout(_ rate: Float, generator g: inout SeededGenerator) throws -> Tensor {
        guard rate > 0 else { return self }
        precondition(rate < 1, "dropout rate must be below 1")
        let keep = 1 - rate, scale = 1 / keep
        let mask = try Tensor((0..<count).map { _ in g.uniform() < keep ? scale : 0 }, shape: shape)
        return try self * mask
    }
}
