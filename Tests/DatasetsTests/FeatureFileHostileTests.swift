import Foundation
import XCTest
import Datasets
import Tensor

/// The feature store's own tensor file, treated as untrusted input (issue 14): seeded
/// mutations of a real cache file must never crash the reader or leak into results (every
/// damaged record is dropped and recomputed, so the features come out exact), and something
/// that is not a regular file where a cache file belongs is never opened.
final class FeatureFileHostileTests: XCTestCase {
    /// Little-endian values that break length and dimension fields.
    private static let interestingWords: [UInt64] = [0, 1, 3, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 1 << 32, 1 << 63, UInt64.max]

    func testMutatedCacheFilesNeverCrashAndAreRecoveredExactly() throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let store = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: FeatureStoreFixtures.cache(beside: tree), showsProgress: false)
        _ = try store.features(for: items, split: "s")
        let file = store.file(for: "s")
        let original = [UInt8](FileManager.default.contents(atPath: file)!)
        let expected = try FeatureStoreFixtures.direct(items)
        var rng = SeededGenerator(seed: 0xFEA7_F11E)
        var corrupt = 0, intact = 0
        for i in 0..<150 {
            var b = original
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !b.isEmpty {
                let at = Int.random(in: 0..<b.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: b[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                case 1:  // a length, size or dimension field overwritten
                    let width = [2, 4, 8].randomElement(using: &rng)!
                    let v = Self.interestingWords.randomElement(using: &rng)!
                    for k in 0..<width where at + k < b.count { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
                case 2: b = Array(b.prefix(at))
                case 3: b.insert(contentsOf: b[at..<min(b.count, at + Int.random(in: 1...200, using: &rng))], at: at)
                default: b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...40, using: &rng)))
                }
            }
            try Data(b).write(to: URL(fileURLWithPath: file))
            let set = try store.features(for: items, split: "s")
            XCTAssertEqual(set.embeddings, expected, "input \(i): damage must never reach the features")
            XCTAssertEqual(set.cached + set.computed, items.count, "input \(i)")
            if set.corruptEntries > 0 { corrupt += 1 } else { intact += 1 }
        }
        print("feature file fuzz: 150 inputs: \(corrupt) with damaged records recomputed, \(intact) read whole")
        XCTAssertGreaterThan(corrupt, 100)
    }

    func testAFIFOWhereTheCacheFileBelongsIsNotOpened() throws {
        let (tree, items) = try FeatureStoreFixtures.tree()
        defer { tree.remove() }
        let store = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: FeatureStoreFixtures.cache(beside: tree), showsProgress: false)
        let file = store.file(for: "s")
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(file, 0o600), 0)

        // A watcher opens the FIFO's write end whenever a reader has its read end open: that
        // records a reader and ends its read, so a reader that opens it fails the test instead
        // of hanging it. (Foundation's `contents(atPath:)` happens to return nil for a FIFO
        // today; `FeatureFile.read` does not rely on it.)
        let watcher = FIFOWatcher(path: file)
        let set = try store.features(for: items, split: "s")
        XCTAssertFalse(watcher.stop(), "the feature store opened the FIFO at \(file)")
        XCTAssertEqual(set.embeddings, try FeatureStoreFixtures.direct(items))
        XCTAssertEqual(set.computed, items.count)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: file)[.type] as? FileAttributeType, .typeRegular,
                       "the FIFO is replaced by a cache file")
    }
}

/// Watches a FIFO for readers from a background thread (see its use above).
private final class FIFOWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false, sawReader = false
    private let finished = DispatchSemaphore(value: 0)

    init(path: String) {
        Thread.detachNewThread { [self] in
            while !lock.withLock({ done }) {
                // Opening the write end without blocking succeeds only while a reader is there.
                // (Once the store has put a regular file there, opening it says nothing.)
                let fd = open(path, O_WRONLY | O_NONBLOCK)
                if fd >= 0 {
                    var st = stat()
                    if fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFIFO { lock.withLock { sawReader = true } }
                    close(fd)
                }
                usleep(1000)
            }
            finished.signal()
        }
    }

    /// Stops watching; whether a reader ever opened the FIFO.
    func stop() -> Bool {
        lock.withLock { done = true }
        finished.wait()
        return lock.withLock { sawReader }
    }
}
