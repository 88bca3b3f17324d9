import Tensor

/// Where a clip longer than the target length is cut.
public enum CropPolicy: String, Codable, Hashable, Sendable, CaseIterable {
    /// A seeded random start in `0..<(length - target)`: the PENGI reference's behaviour
    /// (**quirk**: it crops at random at test time too). Here the start is drawn from a
    /// `SeededGenerator`, so a given seed and file always give the same crop.
    case random
    /// The first `target` samples.
    case start
    /// The middle `target` samples (start `(length - target) / 2`, rounded down).
    case center
}

/// Fixed-length clips: short clips are tiled (repeated whole) then truncated, long clips are
/// cropped by a `CropPolicy`. PENGI: 308 700 samples (7 s at 44.1 kHz).
public struct ClipPolicy: Codable, Hashable, Sendable {
    /// Output length in samples.
    public var length: Int
    /// How long clips are cut.
    public var crop: CropPolicy

    public init(length: Int, crop: CropPolicy) {
        self.length = length
        self.crop = crop
    }

    /// The start index for a clip of `count` samples (`count > length`); `random` draws one
    /// integer from `generator`.
    public func cropStart(count: Int, generator: inout SeededGenerator) -> Int {
        precondition(count >= length)
        if count == length { return 0 }  // the reference tiles once here (`>=`): same clip
        switch crop {
        case .start: return 0
        case .center: return (count - length) / 2
        case .random: return generator.int(below: count - length)
        }
    }

    /// Exactly `length` samples from `x` (non-empty): tiled `ceil(length / x.count)` times and
    /// truncated when shorter, cropped when longer (the reference tiles when
    /// `length >= x.count`; at equality both give `x` itself).
    public func apply(_ x: [Float], generator: inout SeededGenerator) -> [Float] {
        precondition(!x.isEmpty, "cannot tile an empty clip")
        if x.count < length {
            var out = [Float]()
            out.reserveCapacity(length)
            while out.count < length { out.append(contentsOf: x.prefix(length - out.count)) }
            return out
        }
        let s = cropStart(count: x.count, generator: &generator)
        return Array(x[s..<s + length])
    }
}
