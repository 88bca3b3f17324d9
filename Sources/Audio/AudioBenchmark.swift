import Foundation

/// Throughput of the front-end: decode + resample + clip + log-mel, clips per second.
///
/// Run it through `PALM_AUDIO_BENCH=1 swift test -c release --skip-build --filter
/// AudioBenchmarkTests` (or from the CLI once wired); compare with
/// `Scripts/fixtures/bench_audio.py` on the same files. Set `OPENBLAS_NUM_THREADS=1` so the
/// resampler's sgemm does not add threads of its own: then `threads` is the whole story.
public enum AudioBenchmark {
    /// One measurement.
    public struct Measurement: Sendable, CustomStringConvertible {
        /// Worker threads (files processed concurrently).
        public let threads: Int
        /// Clips processed in the timed passes.
        public let clips: Int
        /// Files that failed (not counted in `clips`).
        public let failures: Int
        /// Wall-clock seconds of the timed passes.
        public let seconds: Double
        /// `clips / seconds`.
        public var clipsPerSecond: Double { seconds > 0 ? Double(clips) / seconds : 0 }

        public var description: String {
            let rate = (clipsPerSecond * 10).rounded() / 10
            let ms = (seconds * 1000 / Double(max(1, clips)) * threadsFactor * 100).rounded() / 100
            return "\(threads) thread(s): \(rate) clips/s (\(clips) clips in \(String(format: "%.2f", seconds)) s, \(ms) ms per clip per thread\(failures > 0 ? ", \(failures) failures" : ""))"
        }
        private var threadsFactor: Double { Double(threads) }
    }

    /// Processes `files` (each to one fixed-length clip's log-mel under `config`) repeatedly on
    /// `threads` threads for at least `minimumSeconds` after one untimed warm-up pass (which
    /// builds resampling kernels and FFT plans), and reports the throughput.
    public static func run(files: [String], threads: Int, config: PreprocessingConfig = .pengi,
                           minimumSeconds: Double = 3) -> Measurement {
        let pre = Preprocessor(config: config)
        _ = pre.featuresAll(files, threads: 1)
        var clips = 0, failures = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            for r in pre.featuresAll(files, threads: threads) {
                if case .success = r { clips += 1 } else { failures += 1 }
            }
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < minimumSeconds && clips + failures > 0 && !files.isEmpty
        return Measurement(threads: threads, clips: clips, failures: failures, seconds: elapsed)
    }
}
