import Audio
import Foundation
import Support
import Tensor

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
        /// CPU seconds the whole process used in the timed passes (all threads). On a shared
        /// machine `clips / cpuSeconds` is the steadier figure.
        public let cpuSeconds: Double
        /// `clips / seconds`.
        public var clipsPerSecond: Double { seconds > 0 ? Double(clips) / seconds : 0 }
        /// `clips / cpuSeconds`.
        public var clipsPerCPUSecond: Double { cpuSeconds > 0 ? Double(clips) / cpuSeconds : 0 }

        public var description: String {
            String(format: "%d thread(s): %.1f clips/s wall, %.1f clips per CPU-second (%d clips in %.2f s wall, %.2f s CPU%@)",
                   threads, clipsPerSecond, clipsPerCPUSecond, clips, seconds, cpuSeconds,
                   failures > 0 ? ", \(failures) failures" : "")
        }
    }

    /// Processes `files` (each to one fixed-length clip's log-mel under `config`) repeatedly on
    /// `threads` threads for at least `minimumSeconds` after one untimed warm-up pass (which
    /// builds resampling kernels and FFT plans), and reports the throughput.
    public static func run(files: [String], threads: Int, config: PreprocessingConfig = .pengi,
                           minimumSeconds: Double = 3) -> Measurement {
        let pre = Preprocessor(config: config)
        _ = pre.featuresAll(files, threads: 1)
        var clips = 0, failures = 0
        let cpuStart = ProcessClock.cpuSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            for r in pre.featuresAll(files, threads: threads) {
                if case .success = r { clips += 1 } else { failures += 1 }
            }
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < minimumSeconds && clips + failures > 0 && !files.isEmpty
        return Measurement(threads: threads, clips: clips, failures: failures, seconds: elapsed,
                           cpuSeconds: ProcessClock.cpuSeconds() - cpuStart)
    }

    /// Median milliseconds of each stage for one file (decode, channels + resample, clip, STFT
    /// + mel, log), over `repeats` runs on one thread: where the time goes. Measured in thread
    /// CPU time (`CLOCK_THREAD_CPUTIME_ID`), so other jobs on a shared machine distort it less
    /// than wall time.
    public static func stageTimes(file: String, config: PreprocessingConfig = .pengi,
                                  repeats: Int = 20) throws(AudioError) -> [(stage: String, milliseconds: Double)] {
        let pre = Preprocessor(config: config)
        let spectrogram = PowerSpectrogram(config: config.stft)
        var samples: [String: [Double]] = [:]
        func clock<T>(_ stage: String, _ body: () throws(AudioError) -> T) throws(AudioError) -> T {
            let t0 = ProcessClock.threadCPUNanoseconds()
            let r = try body()
            samples[stage, default: []].append(Double(ProcessClock.threadCPUNanoseconds() - t0) / 1e6)
            return r
        }
        for _ in 0..<(repeats + 1) {
            let audio = try clock("decode") { () throws(AudioError) in try pre.decoder.decode(file) }
            let wave = try clock("channels+resample") { () throws(AudioError) in try pre.waveform(audio) }
            let clip = try clock("clip") { () -> [Float] in
                guard let policy = config.clip else { return wave }
                var g = pre.cropGenerator(for: file)
                return policy.apply(wave, generator: &g)
            }
            var mel = try clock("stft+mel") { spectrogram.melSpectrogram(clip, filterbank: pre.filterbank).values }
            try clock("log") { config.compression.apply(&mel) }
        }
        return ["decode", "channels+resample", "clip", "stft+mel", "log"].map { stage in
            let v = samples[stage]!.dropFirst().sorted()  // the first run warms caches
            return (stage, v[v.count / 2])
        }
    }
}
