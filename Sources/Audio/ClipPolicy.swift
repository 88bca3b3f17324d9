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
    /// Not cut: LAION-CLAP's feature fusion (`data_truncating='fusion'`) keeps a long clip
    /// whole and cuts its log-mel instead (`FusionMel`: a shrunk view of the whole clip and
    /// three chunks at seeded random starts). Short clips are filled as usual.
    case fusion
}

/// How a clip shorter than the target length is filled.
public enum FillPolicy: String, Codable, Hashable, Sendable, CaseIterable {
    /// Repeated `ceil(length / count)` times and truncated to `length` (PENGI's tiling).
    case tile
    /// Repeated whole `floor(length / count)` times, then zero-padded to `length`: LAION-CLAP's
    /// `repeatpad` (`training/data.py` `get_audio_features`).
    case repeatPad = "repeatpad"
}

/// Fixed-length clips: short clips are filled by a `FillPolicy` (tiled by default), long clips
/// are cropped by a `CropPolicy`. PENGI: 308 700 samples (7 s at 44.1 kHz).
public struct ClipPolicy: Codable, Hashable, Sendable {
    /// Output length in samples.
    public var length: Int
    /// How long clips are cut.
    public var crop: CropPolicy
    /// How short clips are filled.
    public var fill: FillPolicy

    public init(length: Int, crop: CropPolicy, fill: FillPolicy = .tile) {
        self.length = length
        self.crop = crop
        self.fill = fill
    }

    private enum CodingKeys: String, CodingKey { case length, crop, fill }

    /// Reads `fill` as `.tile` when absent (configs written before fill policies existed).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        length = try c.decode(Int.self, forKey: .length)
        crop = try c.decode(CropPolicy.self, forKey: .crop)
        fill = try c.decodeIfPresent(FillPolicy.self, forKey: .fill) ?? .tile
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
        case .fusion: return 0  // never reached: `apply` keeps long clips whole
        }
    }

    /// Exactly `length` samples from `x` (non-empty): filled by `fill` when shorter, cropped
    /// when longer (the reference tiles when `length >= x.count`; at equality both give `x`
    /// itself). With `.fusion`, a longer `x` is returned whole.
    public func apply(_ x: [Float], generator: inout SeededGenerator) -> [Float] {
        precondition(!x.isEmpty, "cannot tile an empty clip")
        if x.count < length {
            var out = [Float]()
            out.reserveCapacity(length)
            switch fill {
            case .tile:
                while out.count < length { out.append(contentsOf: x.prefix(length - out.count)) }
            case .repeatPad:
                for _ in 0..<(length / x.count) { out.append(contentsOf: x) }
                out.append(contentsOf: repeatElement(0, count: length - out.count))
            }
            return out
        }
        if crop == .fusion { return x }
        let s = cropStart(count: x.count, generator: &generator)
        return Array(x[s..<s + length])
    }
}
