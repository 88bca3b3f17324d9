import Audio
import Datasets
import Foundation
import Support

/// Feature-store throughput: a generated dataset of `clips` mono clips of `seconds` s at
/// 44.1 kHz (16-bit WAV, written with libsndfile), embedded once (cold cache) and again (warm).
/// The warm run stats each file and reads one cache file; it should take under 1 % of the cold
/// one. Peak memory is the process's maximum resident set size (`getrusage`).
public enum FeatureStoreBenchmark {
    /// The benchmark's figures.
    public struct Report: Sendable, CustomStringConvertible {
        /// Clips embedded, and the length of each in seconds.
        public var clips: Int
        public var seconds: Double
        /// The embedder's model fingerprint.
        public var embedder: String
        /// Wall-clock seconds of the first (empty cache) and second (full cache) runs.
        public var coldSeconds: Double
        public var warmSeconds: Double
        /// Maximum resident set size of the process so far, in MiB.
        public var peakResidentMB: Double

        /// Cold-run throughput.
        public var clipsPerSecond: Double { Double(clips) / coldSeconds }
        /// `warmSeconds / coldSeconds` (a cache hit should cost under 1 % of the cold run).
        public var warmFraction: Double { warmSeconds / coldSeconds }

        public var description: String {
            "\(clips) clips x \(String(format: "%.0f", seconds)) s, embedder \(embedder): "
                + String(format: "cold %.3f s (%.1f clips/s), warm %.4f s (%.2f %% of cold), peak RSS %.0f MB",
                         coldSeconds, clipsPerSecond, warmSeconds, 100 * warmFraction, peakResidentMB)
        }
    }

    /// Writes the clips under `directory` (reused when already there), then times the cold and
    /// warm runs with a fresh cache under `directory/cache`.
    /// - Parameter embedder: defaults to `SignalStatisticsEmbedder` (decode + statistics).
    public static func run(directory: String, clips: Int = 200, seconds: Double = 7,
                           embedder: (any AudioEmbedder)? = nil, batchSize: Int = 8) throws -> Report {
        let audio = directory + "/audio"
        try FileManager.default.createDirectory(atPath: audio, withIntermediateDirectories: true)
        let rate = 44_100
        let frames = Int(seconds * Double(rate))
        var items: [DatasetItem] = []
        for i in 0..<clips {
            let path = audio + "/clip" + String(format: "%04d", i) + ".wav"
            if !FileManager.default.fileExists(atPath: path) {
                let f = 110 * Float(1 + i % 16)
                let samples = (0..<frames).map { 0.5 * sinf(2 * .pi * f * Float($0) / Float(rate)) }
                try AudioFileInfo.writeWAV(path: path, samples: samples, sampleRate: rate)
            }
            items.append(DatasetItem(path: path, label: i % 10, classname: "class\(i % 10)"))
        }
        let cache = directory + "/cache"
        try? FileManager.default.removeItem(atPath: cache)
        let embedder = embedder ?? SignalStatisticsEmbedder()
        let store = FeatureStore(embedder: embedder, cacheRoot: cache, batchSize: batchSize, showsProgress: true)
        let t0 = Date()
        let cold = try store.features(for: items, split: "benchmark")
        let t1 = Date()
        let warm = try store.features(for: items, split: "benchmark")
        let t2 = Date()
        precondition(cold.embeddings == warm.embeddings && warm.computed == 0, "warm run must be served from the cache")
        return Report(clips: clips, seconds: seconds, embedder: embedder.modelFingerprint,
                      coldSeconds: t1.timeIntervalSince(t0), warmSeconds: t2.timeIntervalSince(t1),
                      peakResidentMB: ProcessClock.peakResidentMB())
    }
}
