import CLI
import Foundation
import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// Learners travel both ways in the PALM reference's checkpoint format: palm's saved learners
/// reproduce palm's predictions, and a PALM checkpoint written by torch (as the reference's
/// `save_model` writes it) is evaluated with the reference's formula and its bn0 buffer.
final class LearnerExchangeTests: XCTestCase {
    func predictions(_ file: String) throws -> [String] {
        try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testSavedLearnersReproducePredictions() throws {
        let dir = try TemporaryDirectory("palm-exchange")
        let data = try RegistryTests.makeDataset(in: dir)
        let common = ["--model", "pengi-random:tiny", "--dataset", "folder:\(data)", "--methods", "palm,coop:n_ctx=2,cocoop:n_ctx=2,linear-probe",
                      "--seeds", "0,1", "--shots", "2", "--epochs", "2", "--cache", dir.file("cache")]
        var train = try Experiment.parse(common + ["--out", dir.file("trained"), "--save-learners", dir.file("learners")])
        try train.run()
        // The reference's layout: DIR/<method>/<EXP>-SEED<s>.pth, EXP the dataset's name.
        for (method, seed) in [("palm", 0), ("coop:n_ctx=2", 1), ("cocoop:n_ctx=2", 0)] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("learners/\(method)/data-SEED\(seed).pth")), method)
        }
        let saved = try LearnerCheckpoint.read(dir.file("learners/cocoop:n_ctx=2/data-SEED0.pth"))
        XCTAssertEqual(Set(saved.state.keys), ["ctx", "sos", "classes_pad", "meta_net.linear1.weight", "meta_net.linear1.bias",
                                                "meta_net.linear2.weight", "meta_net.linear2.bias"])
        XCTAssertEqual(Array(saved.statistics.keys), [HTSAT.bn0Key])

        var evaluate = try Experiment.parse(common + ["--out", dir.file("loaded"), "--eval-only", "--load-learners", dir.file("learners")])
        try evaluate.run()
        XCTAssertEqual(try predictions(dir.file("loaded/predictions.csv")), try predictions(dir.file("trained/predictions.csv")),
                       "the saved learners predict every clip as the trained ones did")
        let records = try JSONDecoder().decode([ExperimentRecord].self, from: Data(contentsOf: URL(fileURLWithPath: dir.file("loaded/results.json"))))
        XCTAssertEqual(Set(records.map(\.protocolName)), ["palm+loaded"])
        XCTAssertThrowsError(try Experiment.parse(common + ["--out", "/tmp/x", "--eval-only"])) { XCTAssertTrue("\($0)".contains("--load-learners") || "\(type(of: $0))".contains("Error")) }
        // A missing checkpoint names the file it expected.
        var missing = try Experiment.parse(["--model", "pengi-random:tiny", "--dataset", "folder:\(data)", "--methods", "palm", "--seeds", "5",
                                            "--shots", "2", "--out", dir.file("missing"), "--cache", dir.file("cache"),
                                            "--eval-only", "--load-learners", dir.file("learners")])
        XCTAssertThrowsError(try missing.run()) { XCTAssertTrue("\($0)".contains("learners/palm/data-SEED5.pth"), "\($0)") }
    }

    /// A torch-written PALM checkpoint (`Scripts/fixtures/learner_checkpoints.py`) evaluated by
    /// `palm experiment --eval-only` gives the predictions of the reference's formula:
    /// `t = normalize(text(c))`, `t' = normalize((1 - s(l)) t + s(l) ctx)`,
    /// `argmax 100 normalize(a) t'^T`, with `a` encoded under the saved bn0 buffer.
    func testTorchWrittenPALMCheckpointGivesTheReferenceFormula() throws {
        let dir = try TemporaryDirectory("palm-exchange")
        let data = try RegistryTests.makeDataset(in: dir)
        try FileManager.default.createDirectory(atPath: dir.file("learners/palm"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.path("checkpoints/reference-palm-tiny.pth"), toPath: dir.file("learners/palm/data-SEED0.pth"))
        var command = try Experiment.parse(["--model", "pengi-random:tiny", "--dataset", "folder:\(data)", "--methods", "palm", "--seeds", "0",
                                            "--shots", "2", "--out", dir.file("out"), "--cache", dir.file("cache"),
                                            "--eval-only", "--load-learners", dir.file("learners")])
        try command.run()
        let rows = try predictions(dir.file("out/predictions.csv")).dropFirst().map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(rows.count, RegistryTests.classes.count)

        // The formula, written out from palm/palm.py.
        let model = try ModelSpec.load("pengi-random:tiny") as! PENGIModel
        let file = try PyTorchCheckpoint.readValue(path: Fixtures.path("checkpoints/reference-palm-tiny.pth"))
        guard case let .tensor(ctx)? = file["prompt_learner"]?["ctx"], case let .tensor(lambdas)? = file["prompt_learner"]?["lambdas"],
              case let .tensor(mean)? = file["pengi_bn0_buffer"]?["running_mean"], case let .tensor(variance)? = file["pengi_bn0_buffer"]?["running_var"] else {
            return XCTFail("the fixture's layout")
        }
        let classes = RegistryTests.classes.sorted()
        let bn0 = BatchNormStatistics(mean: mean.toArray(), variance: variance.toArray(), batchesTracked: 500)
        let paths = rows.map { $0[4] }
        let audio = try Tensor(try model.embedAudio(paths: paths, statistics: [HTSAT.bn0Key: bn0]).flatMap { try $0.get() },
                               shape: [paths.count, model.dimension])
        let t = try model.embedText(classes).l2Normalized()
        let lam = try lambdas.sigmoid().reshape([-1, 1])
        let mixed = try ((1 - lam) * t + lam * ctx).l2Normalized()
        let expected = try (audio.l2Normalized().matmul(mixed.T) * 100).argmax(axis: 1).toArray().map { classes[Int($0)] }
        XCTAssertEqual(rows.map { $0[6] }, expected)
        // The buffer matters: without it the same learner predicts from other features.
        let frozen = try Tensor(try model.embedAudio(paths: paths).flatMap { try $0.get() }, shape: [paths.count, model.dimension])
        XCTAssertGreaterThan(try (frozen.l2Normalized() - audio.l2Normalized()).abs().max().item(), 1e-3)
    }
}
