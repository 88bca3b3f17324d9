import Audio
import CLI
import Datasets
import Foundation
import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// A noise sweep as a grid dimension: 4 methods x 5 SNR levels x 3 seeds encodes each test
/// clip once per level, and every cell gets a record per level.
final class PerturbationSweepTests: XCTestCase {
    func testEachTestClipIsEncodedOncePerLevel() throws {
        let dir = try TemporaryDirectory("palm-sweep")
        let root = try RegistryTests.makeDataset(in: dir)
        let model = CountingModel(try ModelSpec.load("pengi-random:tiny"))
        let dataset = try Dataset.load("folder", root: root)
        let store = try FeatureStore(embedder: ModelEmbedder(model), cacheRoot: dir.file("cache"), showsProgress: false)
        var data = DatasetExperiment(dataset: dataset, store: store)
        data.log = { _ in }
        let levels = try Perturbation.sweep("noise:snr=20,10,5,0,-5,source=white")
        var grid = ExperimentGrid(model: model, datasets: [data], methods: ["zeroshot", "palm", "linear-probe", "tip-adapter"], seeds: [0, 1, 2],
                                  shots: 2, epochs: 1, outputDirectory: dir.file("out"))
        grid.perturbations = levels
        grid.log = { _ in }
        let outcome = try grid.run()

        let testClips = Set(try dataset.split(fold: nil).test.map(\.path))
        XCTAssertEqual(testClips.count, 3)
        let counts = model.counter.paths
        XCTAssertEqual(counts[PreprocessingConfig.pengi.fingerprint].map { Set($0).count }, 12, "every clip once, clean")
        for p in levels {
            var config = PreprocessingConfig.pengi
            config.perturbation = p
            let embedded = try XCTUnwrap(counts[config.fingerprint], "\(p) was never encoded")
            XCTAssertEqual(embedded.sorted(), testClips.sorted(), "\(p): each test clip exactly once, whatever the methods and seeds")
        }
        XCTAssertEqual(counts.count, 1 + levels.count)
        // 8 cells (zero-shot and Tip-Adapter once, PALM and the probe per seed), each clean plus
        // one record per level.
        XCTAssertEqual(outcome.records.count, 8 * (1 + levels.count))
        XCTAssertEqual(outcome.records.filter { $0.condition == levels[2].description }.count, 8)
        XCTAssertEqual(outcome.records.first { $0.condition != nil }?.row, "data [noise:snr=20,source=white,seed=0]")

        // Resuming encodes nothing and runs nothing.
        model.counter.paths = [:]
        var again = grid
        var ran = 0
        again.log = { _ in ran += 1 }
        XCTAssertEqual(try again.run().records, outcome.records)
        XCTAssertEqual(ran, 0)
        XCTAssertEqual(model.counter.paths.count, 0)
    }

    /// `palm experiment --perturb ...`: records per level, the SNR chart with the seed band in
    /// the report, a dataset class as the noise source, and errors that name the key.
    func testPerturbFromTheCommandLine() throws {
        let dir = try TemporaryDirectory("palm-perturb-cli")
        let data = try RegistryTests.makeDataset(in: dir)
        let common = ["--model", "pengi-random:tiny", "--dataset", "folder:\(data)", "--methods", "zeroshot,palm", "--seeds", "0,1",
                      "--shots", "2", "--epochs", "1", "--cache", dir.file("cache")]
        try Experiment.parse(common + ["--out", dir.file("out"), "--perturb", "noise:snr=10,0,source=class:folder:\(data):hiss",
                                       "--perturb", "gain:db=-6"]).run()
        let records = try JSONDecoder().decode([ExperimentRecord].self, from: Data(contentsOf: URL(fileURLWithPath: dir.file("out/results.json"))))
        XCTAssertEqual(records.count, 3 * 4, "3 cells, each clean and under 3 perturbations")
        let conditions = Set(records.compactMap(\.condition))
        XCTAssertEqual(conditions.count, 3)
        XCTAssertTrue(conditions.contains("gain:db=-6"), "\(conditions)")
        XCTAssertTrue(conditions.contains { $0.hasPrefix("noise:snr=0,source=class:data:hiss#") }, "\(conditions)")
        let report = try String(contentsOfFile: dir.file("out/report.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("accuracy vs SNR"), "the report plots accuracy against SNR")
        XCTAssertTrue(report.contains("<polygon"), "with a band for the spread over the two seeds")

        for (spec, message) in [("noise:snr=loud", "snr"), ("noise:snr=10,source=class:folder:\(data):thunder", "no class 'thunder'"),
                                ("wobble:x=1", "wobble")] {
            XCTAssertThrowsError(try Experiment.parse(common + ["--out", dir.file("x"), "--perturb", spec])) {
                XCTAssertTrue(Experiment.message(for: $0).contains(message), Experiment.message(for: $0))
            }
        }
    }
}
