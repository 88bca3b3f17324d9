import CLI
import Audio
import Foundation
import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// `palm experiment --protocol reference`: the reference's zero-shot prompt and train-mode
/// encoders, recorded with every result; test clips encoded again with the statistics each
/// training run left (cached per set of statistics).
final class ReferenceProtocolTests: XCTestCase {
    func testReferenceProtocolEndToEnd() throws {
        let dir = try TemporaryDirectory("palm-reference")
        let data = try RegistryTests.makeDataset(in: dir)
        var command = try Experiment.parse(["--model", "pengi-random:tiny", "--dataset", "folder:\(data)", "--methods", "zeroshot,palm,coop:n_ctx=2",
                                            "--seeds", "0", "--shots", "2", "--epochs", "2", "--protocol", "reference",
                                            "--out", dir.file("out"), "--cache", dir.file("cache")])
        XCTAssertEqual(try command.experimentProtocol(), .reference)
        try command.run()
        let records = try JSONDecoder().decode([ExperimentRecord].self, from: Data(contentsOf: URL(fileURLWithPath: dir.file("out/results.json"))))
        XCTAssertEqual(records.map(\.method), ["zeroshot:templates=reference", "palm", "coop:n_ctx=2"])
        XCTAssertEqual(Set(records.map(\.protocolName)), ["reference"])
        // The frozen features (training set and zero-shot's test set) plus the test set encoded
        // with the statistics the runs left. bn0's statistics depend only on the batches (the
        // same seed shuffles the same clips for every method, and augmentation comes after
        // bn0), so PALM's and CoOp's runs share one encoding.
        let models = try FileManager.default.contentsOfDirectory(atPath: dir.file("cache")).filter { !$0.hasPrefix(".") }
        XCTAssertEqual(models.count, 2, "\(models)")
        XCTAssertEqual(models.filter { $0.contains("-stats-") }.count, 1)
        // The same command resumes: nothing is recomputed, the records stay.
        var again = command
        try again.run()
        XCTAssertEqual(try JSONDecoder().decode([ExperimentRecord].self, from: Data(contentsOf: URL(fileURLWithPath: dir.file("out/results.json")))), records)

        // palm's protocol with the reference's encoders only: named by what differs.
        let mixed = try Experiment.parse(["--model", "pengi-random:tiny", "--dataset", "folder:\(data)", "--methods", "palm", "--seeds", "0",
                                          "--shots", "2", "--epochs", "1", "--encoder-mode", "reference", "--out", dir.file("out2"),
                                          "--cache", dir.file("cache")])
        try mixed.run()
        let r2 = try JSONDecoder().decode([ExperimentRecord].self, from: Data(contentsOf: URL(fileURLWithPath: dir.file("out2/results.json"))))
        XCTAssertEqual(r2.map(\.protocolName), ["encoder-mode=reference"])
        XCTAssertThrowsError(try Experiment.parse(["--model", "demo", "--dataset", "folder:/x", "--out", "/tmp/x", "--protocol", "paper"]))
    }

    /// A model that cannot train as the reference's is refused, naming it.
    func testReferenceEncoderModeNeedsATrainableModel() throws {
        let model = try ModelSpec.load("pengi-random:tiny")
        final class Frozen: AudioLanguageModel {
            let base: AudioLanguageModel
            init(_ base: AudioLanguageModel) { self.base = base }
            var name: String { "frozen" }
            var fingerprint: String { base.fingerprint }
            var dimension: Int { base.dimension }
            var tokenWidth: Int { base.tokenWidth }
            var preprocessing: PreprocessingConfig { base.preprocessing }
            func embedAudio(paths: [String]) throws -> [Result<[Float], Error>] { try base.embedAudio(paths: paths) }
            func embedText(_ texts: [String]) throws -> Tensor { try base.embedText(texts) }
            func tokenize(_ texts: [String]) throws -> TokenBatch { try base.tokenize(texts) }
            func tokenEmbeddings(_ tokens: TokenBatch) throws -> Tensor { try base.tokenEmbeddings(tokens) }
            func textFeatures(tokenEmbeddings: Tensor, tokens: TokenBatch) throws -> Tensor { try base.textFeatures(tokenEmbeddings: tokenEmbeddings, tokens: tokens) }
        }
        var g = SeededGenerator(seed: 1)
        let set = try FeatureSet(features: Tensor.normal([4, model.dimension], generator: &g), labels: [0, 1, 0, 1], classNames: ["a", "b"],
                                 paths: ["/a", "/b", "/c", "/d"])
        struct Data: ExperimentData {
            let set: FeatureSet
            var name: String { "toy" }
            var classNames: [String] { ["a", "b"] }
            var folds: [Int] { [0] }
            func features(fold: Int, shots: Int, seed: UInt64) throws -> (train: FeatureSet, test: FeatureSet) { (set, set) }
        }
        var grid = ExperimentGrid(model: Frozen(model), datasets: [Data(set: set)], methods: ["palm"], seeds: [0], shots: 0, epochs: 1)
        grid.experimentProtocol = .reference
        XCTAssertThrowsError(try grid.run()) { XCTAssertTrue("\($0)".contains("'frozen' cannot"), "\($0)") }
    }
}
