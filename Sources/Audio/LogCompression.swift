import Foundation

/// How mel energies are compressed.
public enum LogCompression: Codable, Hashable, Sendable {
    /// `10 log10(max(x, amin)) - 10 log10(max(amin, ref))`, no top-dB clamp (torchlibrosa
    /// `LogmelFilterBank`, librosa `power_to_db(top_db=None)`). PENGI: amin 1e-10, ref 1.
    case decibels(amin: Double, ref: Double)
    /// `log10(1 + scale x) / divisor` (aisfx: scale 10000, divisor 9.457798957824707, the
    /// maximum over its training spectrograms).
    case log10Plus(scale: Double, divisor: Double)

    /// Compresses `x` in place (float32 arithmetic, as the references do).
    public func apply(_ x: inout [Float]) {
        switch self {
        case .decibels(let amin, let ref):
            let a = Float(amin)
            let offset = Float(10 * log10(max(amin, ref)))
            for i in x.indices { x[i] = 10 * log10f(max(x[i], a)) - offset }
        case .log10Plus(let scale, let divisor):
            let s = Float(scale), d = Float(divisor)
            for i in x.indices { x[i] = log10f(x[i] * s + 1) / d }
        }
    }
}

/// Fixed-size blocks of frames cut from a long feature map (aisfx feeds 100-frame blocks).
public struct FrameBlocks: Codable, Hashable, Sendable {
    /// Frames per block.
    public var frames: Int
    /// Frames between block starts.
    public var hop: Int

    public init(frames: Int, hop: Int) {
        self.frames = frames
        self.hop = hop
    }

    /// Number of blocks for `total` frames: whole blocks only (`1 + (total - frames) / hop`),
    /// and one zero-padded block when `total < frames` (aisfx asserts there; palm pads).
    public func count(_ total: Int) -> Int {
        total < frames ? 1 : 1 + (total - frames) / hop
    }

    /// Cuts `[total, width]` values into `[count, frames, width]`, zero-padding past the end.
    public func apply(_ x: [Float], total: Int, width: Int) -> [Float] {
        let n = count(total)
        var out = [Float](repeating: 0, count: n * frames * width)
        for b in 0..<n {
            let start = b * hop
            let available = max(0, min(frames, total - start))
            for f in 0..<available {
                for j in 0..<width { out[(b * frames + f) * width + j] = x[(start + f) * width + j] }
            }
        }
        return out
    }
}
