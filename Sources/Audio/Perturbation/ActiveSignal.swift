import Foundation

/// Which parts of a clip count as signal when an SNR is measured: a simplified ITU-T P.56
/// active speech level.
///
/// The clip is cut into consecutive frames of 20 ms (`round(0.02 * sampleRate)` samples; the
/// last frame may be shorter). A frame is active when its mean square is non-zero and within
/// 40 dB of the loudest frame's. P.56 proper uses an envelope with a hangover and a threshold
/// 15.9 dB under the active level; this fixed-range rule is simpler, has no state to tune and,
/// for the clips of sound-event datasets (often not speech), keeps pauses and near-silent
/// padding out of the signal power, which is what makes "10 dB SNR" mean the same thing for a
/// short bark in silence and for continuous rain.
public enum ActiveSignal {
    /// Frame length in seconds.
    public static let frameSeconds = 0.02
    /// Frames more than this many dB below the loudest frame are inactive.
    public static let rangeDecibels = 40.0

    /// Samples per frame at `sampleRate` (at least 1).
    public static func frameLength(sampleRate: Int) -> Int {
        max(1, Int((frameSeconds * Double(sampleRate)).rounded()))
    }

    /// The sample ranges of the active frames of `x`, in order; empty when `x` is silent.
    public static func activeFrames(_ x: [Float], sampleRate: Int) -> [Range<Int>] {
        let length = frameLength(sampleRate: sampleRate)
        let frames = stride(from: 0, to: x.count, by: length).map { $0..<min($0 + length, x.count) }
        let power = x.withUnsafeBufferPointer { p in frames.map { sumOfSquares(p, $0) / Double($0.count) } }
        guard let loudest = power.max(), loudest > 0 else { return [] }
        let floor = loudest * pow10(-rangeDecibels / 10)
        return zip(frames, power).filter { $0.1 > 0 && $0.1 >= floor }.map(\.0)
    }

    /// Mean square of `x` over the samples of `frames` (0 when there are none).
    public static func meanSquare(_ x: [Float], over frames: [Range<Int>]) -> Double {
        let count = frames.reduce(0) { $0 + $1.count }
        if count == 0 { return 0 }
        return x.withUnsafeBufferPointer { p in frames.reduce(0) { $0 + sumOfSquares(p, $1) } } / Double(count)
    }

    /// Sum of squares over `range`, accumulated in double: a clip's frames are short, so the
    /// loop is cheap, and double keeps the SNR exact to far below 0.001 dB.
    private static func sumOfSquares(_ p: UnsafeBufferPointer<Float>, _ range: Range<Int>) -> Double {
        var s: Double = 0
        for i in range { let v = Double(p[i]); s += v * v }
        return s
    }

    private static func pow10(_ e: Double) -> Double { Foundation.pow(10, e) }
}

extension Perturbation {
    /// The SNR in dB of `noise` (what was added) against `clean`, both over the active frames
    /// of `clean` (`ActiveSignal`): `10 log10(Ps / Pn)`. NaN when `clean` has no active frame,
    /// +infinity when the noise is zero there.
    public static func activeSNR(clean: [Float], noise: [Float], sampleRate: Int) -> Double {
        precondition(clean.count == noise.count, "clean and noise must have the same length")
        let frames = ActiveSignal.activeFrames(clean, sampleRate: sampleRate)
        if frames.isEmpty { return .nan }
        let ps = ActiveSignal.meanSquare(clean, over: frames)
        let pn = ActiveSignal.meanSquare(noise, over: frames)
        return 10 * Foundation.log10(ps / pn)
    }
}
