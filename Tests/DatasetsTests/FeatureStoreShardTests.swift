import Foundation
import XCTest
import Datasets

/// Shards of one split computed at once without the split's lock (the feature-extraction tasks
/// of a cluster job array), then folded by the next reader.
final class FeatureStoreShardTests: XCTestCase {
    func testConcurrentShardsAreFoldedByTheNextReader() throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let cache = FeatureStoreFixtures.cache(beside: tree)
        // Four writers, each with its own store (as separate tasks have), at once.
        let shards = stride(from: 0, to: items.count, by: 6).map { Array(items[$0..<min($0 + 6, items.count)]) }
        let embedders = shards.map { _ in RecordingEmbedder() }
        let errors = NSLock()
        nonisolated(unsafe) var thrown: [String] = []
        DispatchQueue.concurrentPerform(iterations: shards.count) { i in
            let store = FeatureStore(embedder: embedders[i], cacheRoot: cache, batchSize: 4, saveEvery: 4, showsProgress: false)
            do {
                let computed = try store.precompute(items: shards[i], split: "s")
                XCTAssertEqual(computed, shards[i].count)
            } catch {
                errors.withLock { thrown.append("\(error)") }
            }
        }
        XCTAssertEqual(thrown, [])
        for (embedder, shard) in zip(embedders, shards) { XCTAssertEqual(embedder.embeddedPaths, shard.map(\.path)) }

        let reader = RecordingEmbedder()
        let store = FeatureStore(embedder: reader, cacheRoot: cache, showsProgress: false)
        let shardDir = String(store.file(for: "s").dropLast(5)) + ".shards"
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: shardDir).count, 8, "two chunks of 4 and 2 per shard")
        let set = try store.features(for: items, split: "s")
        XCTAssertEqual(set.computed, 0, "every item came from a shard")
        XCTAssertEqual(reader.embeddedPaths, [])
        XCTAssertEqual(set.embeddings, try FeatureStoreFixtures.direct(items))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: shardDir), [], "the shards were folded into the split's file")
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.file(for: "s")))

        // Precomputing what is cached computes nothing.
        XCTAssertEqual(try store.precompute(items: items, split: "s"), 0)
    }

    /// A lock-free writer's temporary file is left alone by a reader holding the lock (its
    /// writer may be alive on another host); only an hour-old one is taken for a dead writer's.
    func testFreshShardTemporariesSurviveAReader() throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let store = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: FeatureStoreFixtures.cache(beside: tree), showsProgress: false)
        let shardDir = String(store.file(for: "s").dropLast(5)) + ".shards"
        try FileManager.default.createDirectory(atPath: shardDir, withIntermediateDirectories: true)
        let fresh = shardDir + "/.part-1-2.feat.tmp-1-1", old = shardDir + "/.part-3-4.feat.tmp-3-1"
        for file in [fresh, old] { XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data("half".utf8))) }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: old)
        XCTAssertEqual(try store.features(for: items, split: "s").computed, items.count)
        XCTAssertTrue(FileManager.default.fileExists(atPath: fresh))
        XCTAssertFalse(FileManager.default.fileExists(atPath: old))
    }
}
