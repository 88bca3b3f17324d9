import Benchmarks
import Foundation
import TestSupport
import XCTest

/// Prints front-end throughput; never asserts a timing. Runs only with PALM_AUDIO_BENCH=1
/// (files: PALM_AUDIO_BENCH_FILES, colon-separated, default the golden fixture recordings).
final class AudioBenchmarkTests: XCTestCase {
    func testThroughput() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["PALM_AUDIO_BENCH"] == "1" else { throw XCTSkip("set PALM_AUDIO_BENCH=1 to run the audio benchmark") }
        let files: [String]
        if let list = env["PALM_AUDIO_BENCH_FILES"] {
            files = list.split(separator: ":").map(String.init)
        } else {
            let dir = Fixtures.path("audio")
            files = try FileManager.default.contentsOfDirectory(atPath: dir)
                .filter { [".wav", ".flac", ".ogg", ".mp3"].contains(where: $0.hasSuffix) }.sorted().map { dir + "/" + $0 }
        }
        for file in files {
            let stages = try AudioBenchmark.stageTimes(file: file)
            let text = stages.map { "\($0.stage) \(String(format: "%.2f", $0.milliseconds))" }.joined(separator: ", ")
            print("audio stages (ms, median) \((file as NSString).lastPathComponent): \(text)")
        }
        for threads in [1, 2] {
            let m = AudioBenchmark.run(files: files, threads: threads)
            print("audio benchmark (PENGI log-mel, decode+resample+clip+STFT+mel+dB, \(files.count) files): \(m)")
            XCTAssertEqual(m.failures, 0)
        }
    }

    /// The benchmark function itself works (one short pass, no timing checked).
    func testBenchmarkRuns() throws {
        let file = Fixtures.path("audio/sonicpi_tabla_ghe2_44k_mono.flac")
        let m = AudioBenchmark.run(files: [file], threads: 2, minimumSeconds: 0)
        XCTAssertEqual(m.clips, 1)
        XCTAssertEqual(m.failures, 0)
        XCTAssertGreaterThan(m.clipsPerSecond, 0)
    }
}
