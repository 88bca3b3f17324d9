import Foundation
import XCTest
import Datasets

/// A corrupt cache file that is repaired says so (issue 14, deliver 8): one warning line naming
/// the file and what was wrong, once; the repaired file is quiet afterwards.
final class FeatureStoreRepairWarningTests: XCTestCase {
    /// Collects warnings (the store calls `warn` on the thread that runs `features`).
    final class Lines: @unchecked Sendable {
        var lines: [String] = []
    }

    /// Fills a cache, damages its file with `damage`, and returns the warnings of the run that
    /// repairs it and of the run after.
    func warnings(after damage: (inout [UInt8]) -> Void) throws -> (file: String, repair: [String], after: [String]) {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let cache = FeatureStoreFixtures.cache(beside: tree)
        let first = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: cache, showsProgress: false)
        _ = try first.features(for: items, split: "s")
        let file = first.file(for: "s")
        var bytes = [UInt8](FileManager.default.contents(atPath: file)!)
        damage(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: file))

        let repair = Lines(), after = Lines()
        let store = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: cache, showsProgress: false)
        store.warn = { repair.lines.append($0) }
        let set = try store.features(for: items, split: "s")
        XCTAssertGreaterThan(set.corruptEntries, 0)
        store.warn = { after.lines.append($0) }
        _ = try store.features(for: items, split: "s")
        return (file, repair.lines, after.lines)
    }

    func testFlippedByteGivesOneWarningNamingTheFile() throws {
        let (file, repair, after) = try warnings { $0[$0.count - 9] ^= 0x5A }
        XCTAssertEqual(repair, ["feature store: \(file) was corrupt (1 damaged entry dropped, 23 intact kept); recomputed"])
        XCTAssertEqual(after, [], "the rewritten file is clean")
    }

    func testGarbageFileIsNamedAsSuch() throws {
        let (file, repair, _) = try warnings { $0 = Array("definitely not a feature file".utf8) }
        XCTAssertEqual(repair, ["feature store: \(file) was corrupt (not a palm feature file); recomputed"])
    }

    func testTruncatedFileGivesOneLine() throws {
        let (file, repair, after) = try warnings { $0.removeLast($0.count / 2) }
        XCTAssertEqual(repair.count, 1, "\(repair)")
        XCTAssertTrue(repair[0].hasPrefix("feature store: \(file) was corrupt (") && repair[0].hasSuffix("); recomputed"), repair[0])
        XCTAssertEqual(after, [])
    }

    /// Siblings (the same model under other statistics) warn where their parent does.
    func testSiblingKeepsTheWarningSink() throws {
        let lines = Lines()
        let store = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: NSTemporaryDirectory(), showsProgress: false)
        store.warn = { lines.lines.append($0) }
        store.sibling(embedder: SignalStatisticsEmbedder()).warn("x")
        XCTAssertEqual(lines.lines, ["x"])
    }
}
