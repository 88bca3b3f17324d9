import Foundation

/// A small, deterministic, real `AudioEmbedder`: decodes each file with libsndfile and returns
/// signal statistics, for tests and the feature-store benchmark (no model needed).
///
/// Vector (8 values, over all channels interleaved): mean, RMS, zero-crossing rate (crossings
/// per sample), peak |x|, then the RMS of each quarter of the file.
public struct SignalStatisticsEmbedder: AudioEmbedder, Sendable {
    public let modelFingerprint: String
    public let preprocessingFingerprint = "libsndfile-float-interleaved"
    public let dimension = 8

    /// - Parameter name: the model fingerprint (vary it to get separate cache directories).
    public init(name: String = "signal-statistics-v1") { modelFingerprint = name }

    public func embed(paths: [String]) throws -> [Result<[Float], Error>] {
        paths.map { path in Result { Self.statistics(try AudioFileInfo.readSamples(path: path).samples) } }
    }

    /// The statistics vector of `x` (see the type's doc).
    public static func statistics(_ x: [Float]) -> [Float] {
        guard !x.isEmpty else { return Array(repeating: 0, count: 8) }
        var sum: Double = 0, squares: Double = 0, peak: Float = 0, crossings = 0
        for i in 0..<x.count {
            sum += Double(x[i])
            squares += Double(x[i] * x[i])
            peak = max(peak, abs(x[i]))
            if i > 0, (x[i - 1] < 0) != (x[i] < 0) { crossings += 1 }
        }
        let n = Double(x.count)
        var v: [Float] = [Float(sum / n), Float((squares / n).squareRoot()), Float(Double(crossings) / n), peak]
        for q in 0..<4 {
            let part = x[(x.count * q / 4)..<(x.count * (q + 1) / 4)]
            let s = part.reduce(0) { $0 + Double($1 * $1) }
            v.append(part.isEmpty ? 0 : Float((s / Double(part.count)).squareRoot()))
        }
        return v
    }
}
