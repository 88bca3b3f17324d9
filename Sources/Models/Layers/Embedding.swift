import Tensor

/// `nn.Embedding`: a `[count, dim]` table looked up by integer ids. Checkpoint key: `weight`.
public struct Embedding: Sendable {
    public let weight: Tensor

    public init(_ loader: WeightLoader, count: Int, dim: Int) throws {
        weight = try loader.tensor("weight", shape: [count, dim])
    }

    /// Rows of the table for `ids` laid out as `shape`; the result is `shape + [dim]`. Ids out of
    /// range throw (they are never clamped: a wrong tokenizer should fail loudly).
    public func callAsFunction(_ ids: [Int], shape: [Int]) throws -> Tensor {
        try weight.embedding(ids, shape: shape)
    }
}
