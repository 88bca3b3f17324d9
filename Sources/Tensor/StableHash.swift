/// FNV-1a, 64-bit: `h = 0xcbf29ce484222325; for each byte: h = (h ^ byte) * 0x100000001b3`.
/// Deterministic across runs and machines (Swift's `Hasher` is seeded per process), so palm uses
/// it wherever a hash is stored or shared: preprocessing and weight fingerprints, feature-cache
/// checksums and names, per-file crop seeds. Not a cryptographic hash.
public struct FNV1a64: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Mixes in `bytes`.
    public mutating func combine<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for b in bytes { value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    }

    /// Mixes in the little-endian bytes of an integer or float bit pattern.
    public mutating func combine<T: FixedWidthInteger>(integer v: T) {
        withUnsafeBytes(of: v.littleEndian) { combine($0) }
    }

    /// The hash of `bytes`.
    public static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = FNV1a64()
        h.combine(bytes)
        return h.value
    }

    /// The hash of a string's UTF-8 bytes.
    public static func hash(_ s: String) -> UInt64 { hash(s.utf8) }
}
