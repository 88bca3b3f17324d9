import Benchmarks
import Foundation
import XCTest

/// Runs `FeatureStoreBenchmark` (200 clips of 7 s) when `PALM_BENCH_FEATURESTORE=1`; prints the
/// figures, asserts nothing about time (numbers go to the README, not into tests).
///
///     PALM_BENCH_FEATURESTORE=1 swift test -c release --skip-build --filter FeatureStoreBenchmarkTests
final class FeatureStoreBenchmarkTests: XCTestCase {
    func testBenchmark() throws {
        guard ProcessInfo.processInfo.environment["PALM_BENCH_FEATURESTORE"] == "1" else {
            throw XCTSkip("set PALM_BENCH_FEATURESTORE=1 to run the feature-store benchmark")
        }
        let dir = NSTemporaryDirectory() + "palm-featurestore-bench"
        let report = try FeatureStoreBenchmark.run(directory: dir)
        print("feature store benchmark: \(report)")
        XCTAssertEqual(report.clips, 200)
    }
}
