import Audio
import Datasets
import Foundation
import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// The whole data path on real files: WAVs on disk -> dataset layout -> PENGI front-end and
/// encoders (tiny, random audio weights) -> feature store -> learners -> grid -> tables.
final class EndToEndTests: XCTestCase {
    /// Three clearly different sound classes, 6 clips each, written with libsndfile.
    func makeDataset(in dir: TemporaryDirectory) throws -> Dataset {
        var g = SeededGenerator(seed: 1)
        for (c, cls) in ["hum", "chirp", "hiss"].enumerated() {
            try FileManager.default.createDirectory(atPath: dir.file(cls), withIntermediateDirectories: true)
            for i in 0..<6 {
                let n = 16000 + 1600 * i
                let x: [Float] = (0..<n).map { t in
                    let s = Float(t) / 16000
                    switch c {
                    case 0: return 0.5 * sin(2 * .pi * Float(110 + 10 * i) * s)
                    case 1: return 0.5 * sin(2 * .pi * (500 + 3000 * s) * s)
                    default: return 0.3 * (g.uniform() * 2 - 1)
                    }
                }
                try AudioWriter.write([x], sampleRate: 16000, to: dir.file("\(cls)/\(cls)\(i).wav"), format: .wav16)
            }
        }
        return try Dataset.load("folder", root: dir.path)
    }

    func testGridRunsResumesAndCachesFeatures() throws {
        let dir = try TemporaryDirectory("palm-e2e")
        let dataset = try makeDataset(in: dir)
        XCTAssertEqual(dataset.classes, ["chirp", "hiss", "hum"])
        let model = try CoOpFixture.model()
        let store = try FeatureStore(embedder: ModelEmbedder(model), cacheRoot: dir.file("cache"))
        var data = DatasetExperiment(dataset: dataset, store: store)
        data.log = { _ in }
        var grid = ExperimentGrid(model: model, datasets: [data], methods: ["zeroshot", "palm", "linear-probe", "coop"],
                                  seeds: [0, 1], shots: 3, epochs: 5, outputDirectory: dir.file("out"))
        var lines: [String] = []
        grid.log = { lines.append($0) }
        let records = try grid.run().records
        XCTAssertEqual(records.count, 1 + 3 * 2, "zero-shot once, three learners x two seeds")
        XCTAssertEqual(lines.count, 7)
        for r in records { XCTAssertTrue((0...1).contains(r.accuracy)) }
        let palm = records.filter { $0.method == "palm" }.map(\.accuracy).reduce(0, +) / 2
        let probe = records.filter { $0.method == "linear-probe" }.map(\.accuracy).reduce(0, +) / 2
        print("[e2e] \(records.map { "\($0.method) s\($0.seed): \($0.accuracy)" })")
        XCTAssertGreaterThan(max(palm, probe), 0.6, "three easily separated sound classes must be learnt from 3 shots")
        for f in ["results.json", "results.csv", "table.md"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("out/\(f)")), f)
        }

        // A second run finds every cell done: nothing retrained, the same records.
        lines = []
        let again = try grid.run().records
        XCTAssertEqual(lines, [])
        XCTAssertEqual(again, records)

        // Only clips the grid needed were embedded (3 test + the sampled shots); embedding the
        // rest once more leaves nothing to compute the next time.
        let first = try store.features(for: dataset.items, of: dataset)
        XCTAssertEqual(first.cached, 3 + 12, "seeds 0 and 1 pick 4, 4 and 4 of the 5 training clips per class (numpy's stream)")
        XCTAssertEqual(first.computed, 3)
        let second = try store.features(for: dataset.items, of: dataset)
        XCTAssertEqual(second.computed, 0)
        XCTAssertEqual(second.items.count, 18)
    }
}
