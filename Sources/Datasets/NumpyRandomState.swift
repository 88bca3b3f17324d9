/// numpy's legacy random stream, reproduced natively: what the global `np.random` (a
/// `numpy.random.RandomState` over `MT19937`) gives after `np.random.seed(seed)`. The PALM
/// reference seeds that stream in `main.py` and pandas draws its `DataFrame.sample` from it, so
/// this is what makes palm pick the reference's few-shot clips (`FewShotSampler`).
///
/// Reproduced exactly (numpy's legacy algorithms, whose stream numpy's policy for `RandomState`,
/// NEP 19, keeps frozen across numpy 1.x and 2.x; `Tests/Fixtures/fewshot/mt19937.json` holds
/// numpy's own outputs):
/// - `init(seed:)` = `np.random.seed(seed)`: `mt19937_seed` (Matsumoto and Nishimura's
///   `init_genrand`) for a seed in `0...2^32-1`. numpy rejects a larger integer; palm gives it
///   the meaning of `np.random.seed([seed & 0xffffffff, seed >> 32])` (`mt19937_init_by_array`),
///   so every 64-bit seed names one numpy stream.
/// - `init(key:)` = `np.random.seed(np.array(key))` (`mt19937_init_by_array`).
/// - `nextUInt32()` = `mt19937_next32` (one raw output, `MT19937.random_raw`), `nextUInt64()` =
///   `mt19937_next64` (two outputs, the first as the high half).
/// - `randomInterval(_:)` = `random_interval`: uniform in `0...max` by masked rejection.
/// - `permutation(_:)` = `RandomState.permutation(n)` (`shuffle` of `arange(n)`).
/// - `choiceWithoutReplacement(n:k:)` = `RandomState.choice(n, k, replace=False)`, i.e.
///   `permutation(n)[:k]`; `choiceWithReplacement(n:k:)` = `RandomState.choice(n, k,
///   replace=True)`, i.e. `randint(0, n, k)`.
///
/// Not numpy's `default_rng()` (`Generator`, PCG64): the reference never uses it. palm's own
/// randomness stays `SeededGenerator`; this type exists to match the reference's draws.
public struct NumpyRandomState: Sendable {
    private static let n = 624
    private static let m = 397
    private static let matrixA: UInt32 = 0x9908_B0DF
    private static let upperMask: UInt32 = 0x8000_0000
    private static let lowerMask: UInt32 = 0x7FFF_FFFF

    /// The 624 words of state (numpy's `key`).
    private var key: [UInt32]
    /// Next word of `key` to temper; 624 means the state must be regenerated first.
    private var pos: Int

    /// The stream of `np.random.seed(seed)`; a seed above `2^32 - 1` (which numpy refuses as an
    /// integer) is the stream of `np.random.seed([seed & 0xffffffff, seed >> 32])`.
    public init(seed: UInt64) {
        if let small = UInt32(exactly: seed) {
            key = Self.initGenrand(small)
        } else {
            key = Self.initByArray([UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)])
        }
        // Both seedings leave numpy's `pos` at 624: the first draw regenerates the state.
        pos = Self.n
    }

    /// The stream of `np.random.seed(np.array(key))`: `mt19937_init_by_array`.
    /// - Precondition: `key` is not empty (numpy raises "Seed must be non-empty").
    public init(key initKey: [UInt32]) {
        precondition(!initKey.isEmpty, "NumpyRandomState(key:) needs at least one word, as np.random.seed does")
        key = Self.initByArray(initKey)
        pos = Self.n
    }

    /// `init_genrand`: key[0] = s, key[i] = 1812433253 * (key[i-1] ^ (key[i-1] >> 30)) + i.
    private static func initGenrand(_ s: UInt32) -> [UInt32] {
        var mt = [UInt32](repeating: 0, count: n)
        mt[0] = s
        for i in 1..<n {
            mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
        }
        return mt
    }

    /// `init_by_array`: `init_genrand(19650218)`, then `initKey` mixed in (two passes).
    private static func initByArray(_ initKey: [UInt32]) -> [UInt32] {
        var mt = initGenrand(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(n, initKey.count) {
            let previous = mt[i - 1] ^ (mt[i - 1] >> 30)
            mt[i] = (mt[i] ^ (previous &* 1_664_525)) &+ initKey[j] &+ UInt32(truncatingIfNeeded: j)
            i += 1
            j += 1
            if i >= n { mt[0] = mt[n - 1]; i = 1 }
            if j >= initKey.count { j = 0 }
        }
        for _ in 0..<(n - 1) {
            let previous = mt[i - 1] ^ (mt[i - 1] >> 30)
            mt[i] = (mt[i] ^ (previous &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= n { mt[0] = mt[n - 1]; i = 1 }
        }
        mt[0] = 0x8000_0000   // most significant bit set: the state is never all zero
        return mt
    }

    /// Regenerates all 624 words (numpy's `mt19937_gen`).
    private mutating func regenerate() {
        let n = Self.n, m = Self.m
        for i in 0..<n {
            let y = (key[i] & Self.upperMask) | (key[(i + 1) % n] & Self.lowerMask)
            key[i] = key[(i + m) % n] ^ (y >> 1) ^ ((y & 1) != 0 ? Self.matrixA : 0)
        }
        pos = 0
    }

    /// The next raw 32-bit output (`mt19937_next32`: one word of state, tempered).
    public mutating func nextUInt32() -> UInt32 {
        if pos == Self.n { regenerate() }
        var y = key[pos]
        pos += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// Two raw outputs as one 64-bit word, the first as the high half (`mt19937_next64`).
    public mutating func nextUInt64() -> UInt64 {
        let high = UInt64(nextUInt32())
        return high << 32 | UInt64(nextUInt32())
    }

    /// Uniform in `0...max` (numpy's `random_interval`): draws masked to the smallest
    /// `2^b - 1 >= max` until one is `<= max`; 32-bit draws when `max` fits in 32 bits, 64-bit
    /// draws otherwise. `max == 0` draws nothing.
    public mutating func randomInterval(_ max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        var mask = max
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        mask |= mask >> 32
        var value: UInt64
        if max <= 0xFFFF_FFFF {
            repeat { value = UInt64(nextUInt32()) & mask } while value > max
        } else {
            repeat { value = nextUInt64() & mask } while value > max
        }
        return value
    }

    /// `np.random.permutation(n)`: `0..<n` shuffled by numpy's Fisher-Yates, which swaps
    /// position `i` with `randomInterval(i)` for `i` from `n - 1` down to 1 (n - 1 intervals;
    /// none for n <= 1).
    public mutating func permutation(_ n: Int) -> [Int] {
        precondition(n >= 0, "permutation of a negative count \(n)")
        var a = Array(0..<n)
        for i in stride(from: n - 1, through: 1, by: -1) {
            a.swapAt(i, Int(randomInterval(UInt64(i))))
        }
        return a
    }

    /// `np.random.choice(n, k, replace=False)`: the first `k` of `permutation(n)`, in that order
    /// (the whole permutation is drawn whatever `k` is, as numpy does).
    /// - Precondition: `0 <= k <= n` (numpy raises "Cannot take a larger sample than population").
    public mutating func choiceWithoutReplacement(n: Int, k: Int) -> [Int] {
        precondition(k >= 0 && k <= n, "choice without replacement of \(k) from \(n)")
        return Array(permutation(n).prefix(k))
    }

    /// `np.random.choice(n, k, replace=True)`, which is `np.random.randint(0, n, k)`: `k`
    /// independent `randomInterval(n - 1)` draws, in draw order.
    /// - Precondition: `n >= 1`, `k >= 0`.
    public mutating func choiceWithReplacement(n: Int, k: Int) -> [Int] {
        precondition(n >= 1 && k >= 0, "choice with replacement of \(k) from \(n)")
        return (0..<k).map { _ in Int(randomInterval(UInt64(n - 1))) }
    }
}
