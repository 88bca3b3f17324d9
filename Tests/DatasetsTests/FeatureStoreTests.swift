import Foundation
import XCTest
import Datasets

/// The feature store in one process: compute once, serve from cache, key by file identity,
/// report failures.
final class FeatureStoreTests: XCTestCase {
    func testComputesOnceThenServesFromTheCache() throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let cache = FeatureStoreFixtures.cache(beside: tree)
        let embedder = RecordingEmbedder()
        let store = FeatureStore(embedder: embedder, cacheRoot: cache, batchSize: 5, saveEvery: 10, showsProgress: false)
        let first = try store.features(for: items, split: "store-train")
        XCTAssertEqual(first.computed, 24)
        XCTAssertEqual(first.cached, 0)
        XCTAssertEqual(first.items, items)
        XCTAssertEqual(first.embeddings, try FeatureStoreFixtures.direct(items))
        XCTAssertEqual(embedder.embeddedPaths, items.map(\.path))

        let second = try store.features(for: items, split: "store-train")
        XCTAssertEqual(second.computed, 0)
        XCTAssertEqual(second.cached, 24)
        XCTAssertEqual(second.embeddings, first.embeddings)
        XCTAssertEqual(embedder.embeddedPaths.count, 24, "nothing recomputed")

        // One file per split under <cache>/<model>/<preprocessing>/, no chunks left behind.
        let file = store.file(for: "store-train")
        XCTAssertTrue(file.hasPrefix(cache + "/signal-statistics-v1/libsndfile-float-interleaved/"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: file))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: String(file.dropLast(5)) + ".parts"), [])

        // A subset (e.g. a few-shot sample) is served from the same file; order follows the input.
        let few = Array(items.fewShot(k: 2, seed: 0).reversed())
        let subset = try store.features(for: few, split: "store-train")
        XCTAssertEqual(subset.computed, 0)
        XCTAssertEqual(subset.embeddings, try FeatureStoreFixtures.direct(few))
        XCTAssertEqual(try subset.tensor().shape, [6, 8])
        XCTAssertEqual(subset.labels, few.map(\.label))
    }

    func testChangedFileIsRecomputed() throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let embedder = RecordingEmbedder()
        let store = FeatureStore(embedder: embedder, cacheRoot: FeatureStoreFixtures.cache(beside: tree), showsProgress: false)
        _ = try store.features(for: items, split: "s")
        // Same size, new content, new mtime: the cached entry no longer applies.
        let target = items[5].path
        let old = try FileManager.default.attributesOfItem(atPath: target)[.modificationDate] as! Date
        let samples = (0..<450).map { Float($0 % 10) / 20 }
        try AudioFileInfo.writeWAV(path: target, samples: samples, sampleRate: 8000)
        try FileManager.default.setAttributes([.modificationDate: old.addingTimeInterval(5)], ofItemAtPath: target)
        let again = try store.features(for: items, split: "s")
        XCTAssertEqual(again.computed, 1)
        XCTAssertEqual(Array(embedder.embeddedPaths.suffix(1)), [target])
        XCTAssertEqual(again.embeddings, try FeatureStoreFixtures.direct(items))
    }

    func testDecodeFailureIsReportedAndLeftOut() throws {
        let (tree, _) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        try tree.text("beta/broken.wav", "not audio at all")
        let items = try Dataset.load("folder", root: tree.root).items
        XCTAssertEqual(items.count, 25)
        let embedder = RecordingEmbedder()
        let store = FeatureStore(embedder: embedder, cacheRoot: FeatureStoreFixtures.cache(beside: tree), showsProgress: false)
        let set = try store.features(for: items, split: "s")
        XCTAssertEqual(set.failures.count, 1)
        XCTAssertEqual(set.failures[0].path, tree.path("beta/broken.wav"))
        XCTAssertFalse(set.failures[0].reason.isEmpty)
        XCTAssertFalse(set.failures[0].reason.contains("broken.wav"), "the reason does not repeat the path: \(set.failures[0].reason)")
        XCTAssertEqual(set.items.count, 24)
        XCTAssertFalse(set.items.contains { $0.path.hasSuffix("broken.wav") })
        XCTAssertEqual(set.embeddings, try FeatureStoreFixtures.direct(set.items))
        // The failure is cached with the file's identity: reported again, not retried.
        let again = try store.features(for: items, split: "s")
        XCTAssertEqual(again.failures, set.failures)
        XCTAssertEqual(again.computed, 0)
    }

    func testFatalPolicyThrowsOnAFailure() throws {
        let (tree, _) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        try tree.text("alpha/bad.wav", "garbage")
        let items = try Dataset.load("folder", root: tree.root).items
        let store = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: FeatureStoreFixtures.cache(beside: tree),
                                 failurePolicy: .fatal, showsProgress: false)
        XCTAssertThrowsError(try store.features(for: items, split: "s")) { error in
            guard case FeatureStoreError.decodeFailed(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, tree.path("alpha/bad.wav"))
        }
        // Also when the failure comes from the cache.
        XCTAssertThrowsError(try store.features(for: items, split: "s"))
    }

    func testMissingFileIsAFailureNotACrash() throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        try FileManager.default.removeItem(atPath: items[0].path)
        let store = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: FeatureStoreFixtures.cache(beside: tree), showsProgress: false)
        let set = try store.features(for: items, split: "s")
        XCTAssertEqual(set.failures.map(\.path), [items[0].path])
        XCTAssertEqual(set.items.count, 23)
    }

    func testFingerprintsSeparateTheCaches() throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let cache = FeatureStoreFixtures.cache(beside: tree)
        let a = FeatureStore(embedder: SignalStatisticsEmbedder(name: "model/a"), cacheRoot: cache, showsProgress: false)
        let b = FeatureStore(embedder: SignalStatisticsEmbedder(name: "model a"), cacheRoot: cache, showsProgress: false)
        XCTAssertNotEqual(a.directory, b.directory, "sanitized names keep distinct fingerprints apart")
        XCTAssertEqual(try a.features(for: items, split: "s").computed, 24)
        XCTAssertEqual(try b.features(for: items, split: "s").computed, 24)
        XCTAssertFalse(FeatureStore.sanitize("../../etc").contains("/"))
    }

    func testCacheRootDefaultsToTheEnvironment() {
        let root = FeatureStore.defaultCacheRoot()
        if let env = ProcessInfo.processInfo.environment["PALM_CACHE"], !env.isEmpty {
            XCTAssertEqual(root, (env as NSString).expandingTildeInPath)
        } else {
            XCTAssertTrue(root.hasSuffix("/.cache/palm"))
        }
    }

    /// Throws for a whole batch on call `failOnCall` (a systemic failure, e.g. out of memory).
    final class FailingEmbedder: AudioEmbedder {
        struct Boom: Error {}
        let inner = SignalStatisticsEmbedder()
        var modelFingerprint: String { inner.modelFingerprint }
        var preprocessingFingerprint: String { inner.preprocessingFingerprint }
        var dimension: Int { inner.dimension }
        let failOnCall: Int
        private var calls = 0
        init(failOnCall: Int) { self.failOnCall = failOnCall }
        func embed(paths: [String]) throws -> [Result<[Float], Error>] {
            calls += 1
            if calls == failOnCall { throw Boom() }
            return try inner.embed(paths: paths)
        }
    }

    func testEmbedderErrorStopsTheRunAndKeepsProgress() throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let cache = FeatureStoreFixtures.cache(beside: tree)
        let failing = FeatureStore(embedder: FailingEmbedder(failOnCall: 3), cacheRoot: cache, batchSize: 4, saveEvery: 100,
                                   showsProgress: false)
        XCTAssertThrowsError(try failing.features(for: items, split: "s")) { XCTAssertTrue($0 is FailingEmbedder.Boom) }
        let embedder = RecordingEmbedder()
        let store = FeatureStore(embedder: embedder, cacheRoot: cache, batchSize: 4, showsProgress: false)
        let set = try store.features(for: items, split: "s")
        XCTAssertEqual(set.cached, 8, "the two batches before the error were saved")
        XCTAssertEqual(embedder.embeddedPaths, items.suffix(16).map(\.path))
        XCTAssertEqual(set.embeddings, try FeatureStoreFixtures.direct(items))
    }

    func testLeftoverTempFilesOfADeadWriterAreRemoved() throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let store = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: FeatureStoreFixtures.cache(beside: tree),
                                 showsProgress: false)
        let parts = String(store.file(for: "s").dropLast(5)) + ".parts"
        try FileManager.default.createDirectory(atPath: parts, withIntermediateDirectories: true)
        let stale = parts + "/.part-1-2.feat.tmp-99999-1"
        _ = FileManager.default.createFile(atPath: stale, contents: Data("half a chunk".utf8))
        XCTAssertEqual(try store.features(for: items, split: "s").computed, 24)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parts), [])
    }
}
