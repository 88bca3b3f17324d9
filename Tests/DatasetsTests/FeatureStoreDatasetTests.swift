import Foundation
import XCTest
import Datasets

/// `FeatureStore.features(for:of:)`: every clip embedded once across folds and few-shot samples.
final class FeatureStoreDatasetTests: XCTestCase {
    func testFoldsShareOneEmbeddingPerClip() throws {
        let tree = try DatasetTree("Beijing")
        defer { tree.remove() }
        for c in ["bangu", "daluo", "naobo", "xiaoluo"] { for i in 0..<5 { try tree.wav("\(c)/\(i).wav", frames: 200 + i) } }
        let d = try Dataset.load("beijing-opera", root: tree.root)
        let embedder = RecordingEmbedder()
        let store = FeatureStore(embedder: embedder, cacheRoot: FeatureStoreFixtures.cache(beside: tree), showsProgress: false)

        /// Both parts of a split, as an experiment embeds them.
        func features(_ split: DatasetSplit) throws -> (train: EmbeddedItems, test: EmbeddedItems) {
            (try store.features(for: split.train, of: d), try store.features(for: split.test, of: d))
        }
        let fold1 = try features(try d.split(fold: 1))
        XCTAssertEqual(fold1.train.computed + fold1.test.computed, 20)
        XCTAssertEqual(fold1.train.items, try d.split(fold: 1).train)
        XCTAssertEqual(fold1.train.embeddings, try FeatureStoreFixtures.direct(try d.split(fold: 1).train))
        XCTAssertEqual(fold1.test.embeddings, try FeatureStoreFixtures.direct(try d.split(fold: 1).test))

        for k in 2...5 {
            let split = try d.split(fold: k).fewShot(k: 2, seed: UInt64(k))
            let f = try features(split)
            XCTAssertEqual(f.train.computed + f.test.computed, 0, "fold \(k) reuses fold 1's work")
            XCTAssertEqual(f.train.items, split.train)
            XCTAssertEqual(f.train.embeddings, try FeatureStoreFixtures.direct(split.train))
        }
        XCTAssertEqual(embedder.embeddedPaths.count, 20)
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.file(for: "Beijing-Opera-fold3")))
    }

    func testSingleSplitUsesTrainAndTestFiles() throws {
        let tree = try DatasetTree("plain")
        defer { tree.remove() }
        for c in ["a", "b"] { for i in 0..<5 { try tree.wav("\(c)/\(i).wav", frames: 100 + i) } }
        try tree.text("b/bad.wav", "junk")
        let d = try Dataset.load("folder", root: tree.root)
        let store = FeatureStore(embedder: SignalStatisticsEmbedder(), cacheRoot: FeatureStoreFixtures.cache(beside: tree), showsProgress: false)
        let split = try d.split()
        let f = (train: try store.features(for: split.train, of: d), test: try store.features(for: split.test, of: d))
        XCTAssertEqual(f.train.items.count + f.test.items.count, 10)
        XCTAssertEqual((f.train.failures + f.test.failures).map(\.path), [tree.path("b/bad.wav")])
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.file(for: "plain-train")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.file(for: "plain-test")))
    }
}
