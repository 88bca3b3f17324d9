import Foundation
import XCTest
import Datasets

/// The feature store across processes: a run killed mid-extraction resumes; two writers of the
/// same entry serialize and leave it intact. Children are this test binary re-run in
/// `FeatureStoreChildProcess` mode.
final class FeatureStoreProcessTests: XCTestCase {
    func testKilledRunResumesWhereItStopped() throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let base = (tree.root as NSString).deletingLastPathComponent
        let cache = base + "/cache"
        let marker = base + "/child-inside-call-4"
        // Batches and chunks of 4: calls 1-3 are saved as three chunks (12 items), then the
        // child blocks inside call 4 and is killed with SIGKILL (no chance to clean up).
        let child = try FeatureStoreFixtures.spawnChild([
            "PALM_FS_CHILD": "gated", "PALM_FS_ROOT": tree.root, "PALM_FS_CACHE": cache,
            "PALM_FS_BLOCK_ON_CALL": "4", "PALM_FS_MARKER": marker, "PALM_FS_OUTPUT": base + "/never",
        ], log: base + "/child.log")
        let reached = FeatureStoreFixtures.waitForFile(marker, while: child)
        if child.isRunning { kill(child.processIdentifier, SIGKILL) }
        child.waitUntilExit()
        XCTAssertTrue(reached, "child never reached call 4: " + ((try? String(contentsOfFile: base + "/child.log", encoding: .utf8)) ?? ""))
        XCTAssertEqual(child.terminationReason, .uncaughtSignal)
        XCTAssertFalse(FileManager.default.fileExists(atPath: base + "/never"))

        let embedder = RecordingEmbedder()
        let store = FeatureStore(embedder: embedder, cacheRoot: cache, batchSize: 4, saveEvery: 4, showsProgress: false)
        XCTAssertFalse(FileManager.default.fileExists(atPath: store.file(for: "train")), "the killed run never consolidated")
        let resumed = try store.features(for: items, split: "train")
        XCTAssertEqual(resumed.cached, 12, "the three saved chunks are reused")
        XCTAssertEqual(resumed.computed, 12)
        XCTAssertEqual(embedder.embeddedPaths, items.suffix(12).map(\.path), "only the missing part is recomputed")
        XCTAssertEqual(resumed.corruptEntries, 0)
        XCTAssertEqual(resumed.items, items)

        // Same result as an uninterrupted run in a fresh cache, bit for bit.
        let fresh = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: base + "/fresh", showsProgress: false)
        XCTAssertEqual(resumed.embeddings, try fresh.features(for: items, split: "train").embeddings)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: String(store.file(for: "train").dropLast(5)) + ".parts"), [])
    }

    func testTwoProcessesWritingTheSameEntry() throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let base = (tree.root as NSString).deletingLastPathComponent
        let cache = base + "/cache"
        // A takes the entry's lock and blocks inside its first embed call; B starts while A holds
        // it; then A is released. Both must finish with the same, complete result.
        let release = base + "/release-a"
        func env(_ name: String, block: Int) -> [String: String] {
            ["PALM_FS_CHILD": "gated", "PALM_FS_ROOT": tree.root, "PALM_FS_CACHE": cache,
             "PALM_FS_BLOCK_ON_CALL": String(block), "PALM_FS_MARKER": base + "/inside-\(name)",
             "PALM_FS_RELEASE": release, "PALM_FS_OUTPUT": base + "/out-\(name)"]
        }
        let a = try FeatureStoreFixtures.spawnChild(env("a", block: 1), log: base + "/a.log")
        XCTAssertTrue(FeatureStoreFixtures.waitForFile(base + "/inside-a", while: a))
        let b = try FeatureStoreFixtures.spawnChild(env("b", block: 1), log: base + "/b.log")
        // Wait until the kernel shows B blocked on A's flock (`/proc/locks`: "-> FLOCK ... <pid>").
        XCTAssertTrue(FeatureStoreFixtures.waitUntilBlockedOnLock(b), "B never blocked on the entry's lock")
        _ = FileManager.default.createFile(atPath: release, contents: nil)
        a.waitUntilExit()
        b.waitUntilExit()
        XCTAssertEqual(a.terminationStatus, 0, (try? String(contentsOfFile: base + "/a.log", encoding: .utf8)) ?? "")
        XCTAssertEqual(b.terminationStatus, 0, (try? String(contentsOfFile: base + "/b.log", encoding: .utf8)) ?? "")

        func output(_ name: String) throws -> (computed: Int, embeddings: [Float]) {
            let lines = try String(contentsOfFile: base + "/out-\(name)", encoding: .utf8).split(separator: "\n")
            return (Int(lines[0].dropFirst("computed=".count))!, FeatureStoreFixtures.decode(String(lines[1])))
        }
        let (ca, ea) = try output("a"), (cb, eb) = try output("b")
        let expected = try FeatureStoreFixtures.direct(items)
        XCTAssertEqual(ea, expected)
        XCTAssertEqual(eb, expected)
        XCTAssertEqual(ca, 24)
        XCTAssertEqual(cb, 0, "B waited for A's lock, then found every entry cached")
        XCTAssertFalse(FileManager.default.fileExists(atPath: base + "/inside-b"), "B never had to embed")

        // The entry on disk is intact.
        let store = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: cache, showsProgress: false)
        let check = try store.features(for: items, split: "train")
        XCTAssertEqual(check.corruptEntries, 0)
        XCTAssertEqual(check.computed, 0)
        XCTAssertEqual(check.embeddings, expected)
    }

    func testTwoThreadsWritingTheSameEntry() throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let cache = FeatureStoreFixtures.cache(beside: tree)
        final class Outcome: @unchecked Sendable {
            var sets: [EmbeddedItems?] = [nil, nil]
            var errors: [Error] = []
            let lock = NSLock()
        }
        let outcome = Outcome()
        let group = DispatchGroup()
        let sendableItems = items
        for t in 0..<2 {
            group.enter()
            Thread {
                // Each thread has its own store (its own lock descriptor): flock serializes them.
                let store = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: cache, batchSize: 3,
                                         saveEvery: 3, showsProgress: false)
                do {
                    let set = try store.features(for: sendableItems, split: "train")
                    outcome.lock.withLock { outcome.sets[t] = set }
                } catch {
                    outcome.lock.withLock { outcome.errors.append(error) }
                }
                group.leave()
            }.start()
        }
        group.wait()
        XCTAssertTrue(outcome.errors.isEmpty, "\(outcome.errors)")
        let expected = try FeatureStoreFixtures.direct(items)
        XCTAssertEqual(outcome.sets[0]?.embeddings, expected)
        XCTAssertEqual(outcome.sets[1]?.embeddings, expected)
        XCTAssertEqual((outcome.sets[0]?.computed ?? -1) + (outcome.sets[1]?.computed ?? -1), 24, "each clip embedded once")
        let check = try FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: cache, showsProgress: false)
            .features(for: items, split: "train")
        XCTAssertEqual(check.corruptEntries, 0)
        XCTAssertEqual(check.computed, 0)
    }
}
