import Benchmarks
import Models
import XCTest

/// The random-weight checkpoint used by the benchmarks loads strictly (its key list is the
/// model's own), and the benchmark entry points run.
final class PENGIBenchmarkTests: XCTestCase {
    func testRandomSourceLoadsStrictlyAndBenchmarksRun() throws {
        let pengi = try PENGIEncoders(source: PENGIEncoders.randomSource(config: .tiny), config: .tiny)
        XCTAssertEqual(pengi.ignoredKeys, [])
        let a = try PENGIBenchmark.audio(pengi, batch: 2, repeats: 1)
        let t = try PENGIBenchmark.text(pengi, prompts: 3, tokens: 10, repeats: 1)
        print(a); print(t)
        XCTAssertGreaterThan(a.itemsPerSecond, 0)
        XCTAssertGreaterThan(t.flopsPerItem, 0)
    }

    /// The profile reads each stage against HTSAT's products alone: the floor's product list
    /// names every stage the profiler times, and a table row carries its ratio.
    func testProfileReadsEachStageAgainstItsProducts() throws {
        let pengi = try PENGIEncoders(source: PENGIEncoders.randomSource(config: .tiny), config: .tiny)
        let floor = HTSATGEMMFloor.measure(pengi.config.audio, batch: 2, repeats: 1)
        let stages = (0..<pengi.config.audio.depths.count).map { "stage \($0)" } + ["patch embed conv"]
        XCTAssertEqual(Set(floor.byStage.keys), Set(stages))
        XCTAssertEqual(floor.byStage.values.reduce(0, +), floor.seconds, accuracy: 1e-12)
        let entries = try PENGIBenchmark.audioProfile(pengi, batch: 2, repeats: 1)
        let table = PENGIBenchmark.profileTable(entries, clips: 2, floor: floor.byStage.mapValues { $0 / 2 })
        print(table.joined(separator: "\n"))
        XCTAssertTrue(table[0].hasSuffix("x its products alone |"))
        for stage in stages {
            let row = try XCTUnwrap(table.first { $0.hasPrefix("| **\(stage)**") || $0.hasPrefix("| \(stage) |") }, stage)
            XCTAssertTrue(row.hasSuffix("x |"), row)
        }
        XCTAssertTrue(table.last!.hasPrefix("| **total**") && table.last!.hasSuffix("x |"))
    }

    /// Opt-in (`PALM_PENGI_BENCH=1`, or `audio` / `text` for one tower): full-size random-weight
    /// throughput, printed (never asserted). `palm bench pengi` adds PyTorch's figures.
    func testBaseThroughput() throws {
        guard let which = ProcessInfo.processInfo.environment["PALM_PENGI_BENCH"] else {
            throw XCTSkip("PALM_PENGI_BENCH not set: full-size PENGI throughput benchmark skipped")
        }
        let pengi = try PENGIEncoders(source: PENGIEncoders.randomSource(config: .pengiBase), config: .pengiBase)
        if which != "text" && which != "chunks" { for batch in [1, 8] { print(try PENGIBenchmark.audio(pengi, batch: batch)) } }
        if which != "audio" && which != "chunks" { print(try PENGIBenchmark.text(pengi, prompts: 50, tokens: 40)) }
        if which == "chunks" {
            for chunk in [1, 2, 4, 8] {
                pengi.clipsPerPass = chunk
                print("clipsPerPass \(chunk):", try PENGIBenchmark.audio(pengi, batch: 8))
            }
        }
    }
}
