import Tensor

/// LAION-CLAP's feature-fusion input for one clip (`laion_clap` 1.1.7 `training/data.py`
/// `get_audio_features` with `data_truncating='fusion'`), made from the log-mel `[T, mels]` of
/// the whole clip (a short clip filled to the clip length first) and the frame count of one clip
/// length, `chunkFrames` (10 s at 48 kHz, hop 480: 1001):
/// - `T == chunkFrames` (a clip no longer than the clip length, or one less than a hop longer):
///   four copies of the log-mel, `longer` false;
/// - `T > chunkFrames`: the whole log-mel shrunk to `chunkFrames` frames by antialiased linear
///   interpolation along time (torchvision `Resize([chunkFrames, mels])` on the tensor), then
///   three `chunkFrames`-frame chunks, one starting in each third of the possible starts,
///   `longer` true.
/// The reference draws the three starts from numpy's global generator; palm draws them from the
/// file's seeded crop generator (`Preprocessor.cropGenerator(for:)`), so a given file always
/// gives the same input, or takes them as given (`init(logMel:chunkFrames:chunkStarts:)`).
public struct FusionMel: Sendable {
    /// `[4, chunkFrames, mels]`: the shrunk whole clip, then the three chunks (or four copies).
    public let mel: Tensor
    /// Whether the clip was cut into chunks: the model fuses the chunks only for these.
    public let longer: Bool
    /// The chunks' first frames (front, middle, back) when `longer`; empty otherwise.
    public let chunkStarts: [Int]

    /// The three ranges the chunk starts are drawn from: `np.array_split(range(T - chunk + 1),
    /// 3)`, an empty range replaced by `0..<1` as the reference does.
    public static func startRanges(totalFrames: Int, chunkFrames: Int) -> [Range<Int>] {
        let n = max(totalFrames - chunkFrames + 1, 0), q = n / 3, r = n % 3
        var lo = 0
        return (0..<3).map { part in
            let size = q + (part < r ? 1 : 0)
            defer { lo += size }
            return size == 0 ? 0..<1 : lo..<lo + size
        }
    }

    /// One start drawn uniformly from each of `startRanges`.
    public static func drawStarts(totalFrames: Int, chunkFrames: Int, generator g: inout SeededGenerator) -> [Int] {
        startRanges(totalFrames: totalFrames, chunkFrames: chunkFrames).map { $0.lowerBound + g.int(below: $0.count) }
    }

    /// The input with the chunk starts drawn from `generator` (only when the log-mel is longer
    /// than a chunk: a short clip draws nothing).
    public init(logMel: Tensor, chunkFrames: Int, generator g: inout SeededGenerator) throws {
        let t = logMel.rank == 2 ? logMel.shape[0] : 0
        let starts = t > chunkFrames ? Self.drawStarts(totalFrames: t, chunkFrames: chunkFrames, generator: &g) : []
        try self.init(logMel: logMel, chunkFrames: chunkFrames, chunkStarts: starts)
    }

    /// The input with the given chunk starts (three when the log-mel `[T, mels]` is longer than
    /// `chunkFrames`, each in `0...T - chunkFrames`; none otherwise).
    public init(logMel: Tensor, chunkFrames: Int, chunkStarts: [Int]) throws {
        guard logMel.rank == 2, logMel.shape[0] >= chunkFrames, chunkFrames > 0 else {
            throw TensorError.shapeMismatch(op: "FusionMel", shapes: [logMel.shape],
                                            reason: "expected a log-mel [T, mels] of at least \(chunkFrames) frames (a short clip is filled first)")
        }
        let t = logMel.shape[0]
        if t == chunkFrames {
            guard chunkStarts.isEmpty else {
                throw TensorError.invalidArgument(op: "FusionMel", message: "a log-mel of exactly \(chunkFrames) frames is not cut: no chunk starts")
            }
            mel = try Tensor.stack(Array(repeating: logMel, count: 4))
            longer = false
        } else {
            guard chunkStarts.count == 3, chunkStarts.allSatisfy({ (0...(t - chunkFrames)).contains($0) }) else {
                throw TensorError.invalidArgument(op: "FusionMel",
                                                  message: "expected 3 chunk starts in 0...\(t - chunkFrames) for \(t) frames, got \(chunkStarts)")
            }
            let chunks = try chunkStarts.map { try logMel.slice(axis: 0, start: $0, end: $0 + chunkFrames) }
            mel = try Tensor.stack([logMel.resizedRowsAntialiased(to: chunkFrames)] + chunks).contiguous()
            longer = true
        }
        self.chunkStarts = t == chunkFrames ? [] : chunkStarts
    }
}
