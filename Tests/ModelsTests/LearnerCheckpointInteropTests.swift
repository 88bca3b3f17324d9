import Foundation
import XCTest
import Tensor
import Models

/// Learned prompts in the PALM reference's checkpoint format, both ways: palm reads what
/// `torch.save` wrote (`Tests/Fixtures/checkpoints/palm-learner*.pth`, from
/// `Scripts/fixtures/learner_checkpoints.py`), and palm writes the same content with the same
/// keys, container kinds, dtypes, shapes, values and storages.
///
/// That torch reads palm's files: set `PALM_CHECKPOINT_OUT=DIR` and these tests also write
/// them there; then `python3 Scripts/fixtures/learner_checkpoints.py --verify DIR/*.pth`.
final class LearnerCheckpointInteropTests: XCTestCase {
    private let torchCheckpoint = ModelsFixtures.path("checkpoints/palm-learner.pth")
    private let torchStateDict = ModelsFixtures.path("checkpoints/palm-learner-state-dict.pth")

    private static let tensorKeys = ["pengi_bn0_buffer.num_batches_tracked", "pengi_bn0_buffer.running_mean", "pengi_bn0_buffer.running_var",
                                     "prompt_learner.ctx", "prompt_learner.lambdas"]

    /// A scratch path, and also a copy under `PALM_CHECKPOINT_OUT` when that is set.
    private func write(_ value: CheckpointValue, as name: String, zip64: PyTorchCheckpointWriter.Zip64 = .whenNeeded) throws -> String {
        let path = ModelsFixtures.temporary(name)
        try PyTorchCheckpointWriter.write(value, to: path, zip64: zip64)
        try LearnerCheckpointFixture.keepForVerification(value, as: name, zip64: zip64)
        return path
    }

    // MARK: palm reads torch

    func testReadsTheReferenceLearnerCheckpointTorchWrote() throws {
        let ck = try PyTorchCheckpoint(path: torchCheckpoint)
        XCTAssertEqual(ck.keys, Self.tensorKeys)
        XCTAssertEqual(ck.info("prompt_learner.ctx"), TensorInfo(dtype: .float32, shape: [3, 8]))
        XCTAssertEqual(ck.info("prompt_learner.lambdas"), TensorInfo(dtype: .float32, shape: [3]))
        XCTAssertEqual(ck.info("pengi_bn0_buffer.running_mean"), TensorInfo(dtype: .float32, shape: [64]))
        XCTAssertEqual(ck.info("pengi_bn0_buffer.running_var"), TensorInfo(dtype: .float32, shape: [64]))
        XCTAssertEqual(ck.info("pengi_bn0_buffer.num_batches_tracked"), TensorInfo(dtype: .int64, shape: []))
        let learner = WeightLoader(ck).scoped("prompt_learner")
        XCTAssertEqual(try learner.tensor("ctx", shape: [3, 8]).toArray(), LearnerCheckpointFixture.signed(24, seed: 1))
        XCTAssertEqual(try learner.tensor("lambdas", shape: [3]).toArray(), LearnerCheckpointFixture.signed(3, seed: 2))
        XCTAssertEqual(try ck.tensor("pengi_bn0_buffer.running_var").toArray(), LearnerCheckpointFixture.positive(64, seed: 4))
        XCTAssertEqual(try ck.tensor("pengi_bn0_buffer.num_batches_tracked").toArray(), [7])

        let tree = try PyTorchCheckpoint.readValue(path: torchCheckpoint)
        let diffs = differences(tree, try LearnerCheckpointFixture.checkpoint())
        print("torch-written learner checkpoint vs the fixture's values: \(diffs.count) difference(s) \(diffs)")
        XCTAssertEqual(diffs, [])
        XCTAssertEqual(tree["prompt_learner"]?.kind, "OrderedDict")
        XCTAssertEqual(tree["pengi_bn0_buffer"]?.kind, "dict")
    }

    /// The older reference format: just the learner's state dict.
    func testReadsTheBareStateDictTorchWrote() throws {
        let ck = try PyTorchCheckpoint(path: torchStateDict)
        XCTAssertEqual(ck.keys, ["ctx", "lambdas"])
        XCTAssertEqual(try ck.tensor("ctx").toArray(), LearnerCheckpointFixture.signed(24, seed: 1))
        XCTAssertEqual(ck.info("ctx"), TensorInfo(dtype: .float32, shape: [3, 8]))
        XCTAssertEqual(differences(try PyTorchCheckpoint.readValue(path: torchStateDict), try LearnerCheckpointFixture.stateDict()), [])
    }

    // MARK: palm writes what torch wrote

    func testPalmWritesTheLearnerCheckpointTorchWrote() throws {
        let path = try write(try LearnerCheckpointFixture.checkpoint(), as: "palm-written-learner.pth")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try assertSameCheckpoint(palm: path, torch: torchCheckpoint, tensorKeys: Self.tensorKeys)
    }

    func testPalmWritesTheBareStateDictTorchWrote() throws {
        let path = try write(try LearnerCheckpointFixture.stateDict(), as: "palm-written-state-dict.pth")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try assertSameCheckpoint(palm: path, torch: torchStateDict, tensorKeys: ["ctx", "lambdas"])
    }

    /// ZIP64 fields throughout (as miniz writes past 4 GiB): the same checkpoint.
    func testPalmWritesTheLearnerCheckpointWithZip64() throws {
        let path = try write(try LearnerCheckpointFixture.checkpoint(), as: "palm-written-learner-zip64.pth", zip64: .always)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try assertSameCheckpoint(palm: path, torch: torchCheckpoint, tensorKeys: Self.tensorKeys)
    }

    /// Same tree (container kinds, key order, dtypes, shapes, bit-identical values), same
    /// tensors through the lazy reader, same storage records byte for byte; torch's file has
    /// only its optional records besides.
    private func assertSameCheckpoint(palm: String, torch: String, tensorKeys: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let diffs = differences(try PyTorchCheckpoint.readValue(path: palm), try PyTorchCheckpoint.readValue(path: torch))
        XCTAssertEqual(diffs, [], "palm-written vs torch-written tree", file: file, line: line)

        let mine = try PyTorchCheckpoint(path: palm), theirs = try PyTorchCheckpoint(path: torch)
        XCTAssertEqual(mine.keys, tensorKeys, file: file, line: line)
        XCTAssertEqual(mine.keys, theirs.keys, file: file, line: line)
        for key in theirs.keys {
            XCTAssertEqual(mine.info(key), theirs.info(key), key, file: file, line: line)
            XCTAssertEqual(try mine.tensor(key).toArray().map(\.bitPattern), try theirs.tensor(key).toArray().map(\.bitPattern), key, file: file, line: line)
        }

        let a = try ZipListing(path: palm), b = try ZipListing(path: torch)
        let rootA = String(a.entries[0].name.dropLast("data.pkl".count)), rootB = String(b.entries[0].name.dropLast("data.pkl".count))
        let namesA = a.entries.map { String($0.name.dropFirst(rootA.count)) }, namesB = b.entries.map { String($0.name.dropFirst(rootB.count)) }
        XCTAssertEqual(Set(namesB).subtracting(namesA), [".format_version", ".storage_alignment", ".data/serialization_id"],
                       "records torch writes and palm leaves out", file: file, line: line)
        XCTAssertTrue(Set(namesA).isSubset(of: namesB), "palm writes only records torch writes: \(namesA)", file: file, line: line)
        var identical = 0
        for name in namesA where name.hasPrefix("data/") || name == "version" || name == "byteorder" {
            XCTAssertEqual(a.entry(rootA + name)?.data, b.entry(rootB + name)?.data, "record \(name)", file: file, line: line)
            XCTAssertEqual(a.entry(rootA + name)?.centralCRC, b.entry(rootB + name)?.centralCRC, "CRC of \(name)", file: file, line: line)
            identical += a.entry(rootA + name)?.data == b.entry(rootB + name)?.data ? 1 : 0
        }
        print("\((palm as NSString).lastPathComponent) vs torch's \((torch as NSString).lastPathComponent): \(diffs.count) tree difference(s), "
              + "\(theirs.keys.count) tensors bit-identical through the lazy reader, \(identical) of \(namesA.count - 1) non-pickle records byte-identical")
    }
}
