import Tensor

/// Deterministic pseudo-random values from an integer hash, bit-identical to
/// `Scripts/fixtures/hashweights.py`: golden fixtures regenerate big weights from a seed
/// instead of committing them.
public enum HashWeights {
    /// `count` values in `[-scale, scale)`.
    public static func uniform(count: Int, seed: Int, scale: Float) -> [Float] {
        (0..<count).map { i in
            var x = (UInt64(i) &* 2654435761 &+ UInt64(seed) &* 40503) & 0xFFFF_FFFF
            for _ in 0..<2 {
                x ^= x >> 16
                x = (x &* 0x45D9F3B) & 0xFFFF_FFFF
            }
            x ^= x >> 16
            let u = Double(x) / 4294967296.0
            return Float((2 * u - 1) * Double(scale))
        }
    }

    /// A tensor of `shape` filled by `uniform`.
    public static func tensor(_ shape: [Int], seed: Int, scale: Float) -> Tensor {
        try! Tensor(uniform(count: elementCount(shape), seed: seed, scale: scale), shape: shape)
    }
}
