import Foundation

/// The one seeded random generator of palm: xoshiro256** seeded through SplitMix64.
/// Same seed, same stream, on every machine and run (no global state, no system entropy).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    /// A spare standard normal from the last Box-Muller pair.
    private var spareNormal: Float?

    /// Creates a generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// Uniform in `[0, 1)` with 24 random bits (every float step of that range).
    public mutating func uniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Standard normal (Box-Muller; pairs are used in turn).
    public mutating func normal() -> Float {
        if let v = spareNormal { spareNormal = nil; return v }
        var u1 = Double(next() >> 11) * 0x1p-53
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = Double(next() >> 11) * 0x1p-53
        let r = (-2 * Foundation.log(u1)).squareRoot()
        spareNormal = Float(r * Foundation.sin(2 * .pi * u2))
        return Float(r * Foundation.cos(2 * .pi * u2))
    }

    /// Uniform integer in `0..<n` without modulo bias.
    public mutating func int(below n: Int) -> Int { Int.random(in: 0..<n, using: &self) }

    /// A random permutation of `0..<n` (Fisher-Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 { for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, int(below: i + 1)) } }
        return p
    }
}

extension Tensor {
    /// Uniform values in `[low, high)`.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, generator g: inout SeededGenerator) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        for i in 0..<t.count { t.pointer[i] = low + (high - low) * g.uniform() }
        return t
    }

    /// Normal values with mean `mean` and standard deviation `std`.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, generator g: inout SeededGenerator) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        for i in 0..<t.count { t.pointer[i] = mean + std * g.normal() }
        return t
    }
}
