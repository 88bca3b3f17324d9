import Foundation
import XCTest
import Datasets

/// A damaged cache file is detected by its checksums; only what was lost is recomputed.
final class FeatureStoreCorruptionTests: XCTestCase {
    func run(_ damage: (inout [UInt8]) -> Void, check: (EmbeddedItems, RecordingEmbedder, [DatasetItem]) throws -> Void) throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let cache = FeatureStoreFixtures.cache(beside: tree)
        let file = try {
            let store = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: cache, showsProgress: false)
            _ = try store.features(for: items, split: "s")
            return store.file(for: "s")
        }()
        var bytes = [UInt8](FileManager.default.contents(atPath: file)!)
        damage(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let embedder = RecordingEmbedder()
        let store = FeatureStore(embedder: embedder, cacheRoot: cache, showsProgress: false)
        let set = try store.features(for: items, split: "s")
        XCTAssertEqual(set.embeddings, try FeatureStoreFixtures.direct(items), "the result is whole and right")
        try check(set, embedder, items)
        let clean = try store.features(for: items, split: "s")
        XCTAssertEqual(clean.corruptEntries, 0, "the rewritten file is clean")
        XCTAssertEqual(clean.computed, 0)
    }

    func testFlippedByteCostsOneEntry() throws {
        // The last record ends with 8 checksum bytes; the byte before them is its last float's.
        try run({ $0[$0.count - 9] ^= 0x5A }) { set, embedder, items in
            XCTAssertEqual(set.corruptEntries, 1)
            XCTAssertEqual(set.computed, 1)
            let last = items.map(\.path).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }.last!
            XCTAssertEqual(embedder.embeddedPaths, [last], "records are stored sorted by path")
        }
    }

    func testTruncatedFileKeepsTheIntactPrefix() throws {
        try run({ $0.removeLast($0.count / 2) }) { set, _, _ in
            XCTAssertGreaterThanOrEqual(set.corruptEntries, 1)
            XCTAssertGreaterThan(set.computed, 0)
            XCTAssertLessThan(set.computed, 24)
            XCTAssertEqual(set.cached + set.computed, 24)
        }
    }

    func testGarbageFileIsRecomputedWhole() throws {
        try run({ $0 = Array("definitely not a feature file".utf8) }) { set, _, _ in
            XCTAssertEqual(set.corruptEntries, 1)
            XCTAssertEqual(set.computed, 24)
        }
    }
}
