import Foundation
import XCTest
import Tensor
import Models

/// PyTorch zip checkpoints against the tensors PyTorch itself converted to float32
/// (`Scripts/fixtures/checkpoints.py`), and one test per kind of bad input.
final class PyTorchCheckpointTests: XCTestCase {
    private func checkpoint(_ name: String) -> String { ModelsFixtures.path("checkpoints/\(name)") }

    /// Opens `name.pth` and compares every tensor with `name.expected.safetensors` exactly.
    private func assertMatchesPyTorch(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let ck = try PyTorchCheckpoint(path: checkpoint("\(name).pth"))
        let expected = try SafeTensorsFile(path: checkpoint("\(name).expected.safetensors"))
        XCTAssertEqual(ck.keys, expected.keys, "keys of \(name)", file: file, line: line)
        for key in expected.keys {
            let got = try ck.tensor(key), want = try expected.tensor(key)
            XCTAssertEqual(got.shape, want.shape, "\(name): shape of \(key)", file: file, line: line)
            XCTAssertEqual(ck.info(key)?.shape, want.shape, "\(name): info shape of \(key)", file: file, line: line)
            let a = got.toArray(), b = want.toArray()
            let maxDiff = zip(a, b).map { abs($0 - $1) }.max() ?? 0
            XCTAssertEqual(a, b, "\(name): values of \(key) (max abs diff \(maxDiff))", file: file, line: line)
        }
    }

    func testEveryDTypeAndStridedViewMatchesPyTorch() throws {
        try assertMatchesPyTorch("dtypes")
        let ck = try PyTorchCheckpoint(path: checkpoint("dtypes.pth"))
        XCTAssertEqual(ck.info("f16")?.dtype, .float16)
        XCTAssertEqual(ck.info("bf16")?.dtype, .bfloat16)
        XCTAssertEqual(ck.info("i64")?.dtype, .int64)
        XCTAssertEqual(ck.info("transposed")?.shape, [5, 3])
        XCTAssertEqual(try ck.tensor("i64").toArray(), (-3..<7).map(Float.init))
        XCTAssertEqual(try ck.tensor("scalar").toArray(), [3.5])
    }

    func testModelWrapperAndModulePrefixAreRemoved() throws {
        try assertMatchesPyTorch("wrapped")
        XCTAssertEqual(try PyTorchCheckpoint(path: checkpoint("wrapped.pth")).keys, ["0.bias", "0.weight", "1.bias", "1.weight"])
    }

    func testTupleWithNumpyScalarsLikeAisfx() throws {
        try assertMatchesPyTorch("tuple-numpy")
    }

    func testPickleProtocol4() throws {
        try assertMatchesPyTorch("protocol4")
    }

    func testZip64ExtraFields() throws {
        try assertMatchesPyTorch("zip64-extras")
    }

    func testWeightLoaderReadsThroughCheckpoint() throws {
        let loader = WeightLoader(try PyTorchCheckpoint(path: checkpoint("wrapped.pth")))
        let w = try loader.scoped("0").tensor("weight", shape: [4, 3])
        XCTAssertEqual(w.shape, [4, 3])
        _ = try loader.scoped("0").tensor("bias", shape: [4])
        XCTAssertThrowsError(try loader.finish()) { e in
            XCTAssertTrue("\(e)".contains("1.weight"), "\(e)")
        }
    }

    // MARK: Bad input, one test each

    func testNotAZipIsRejected() throws {
        let path = ModelsFixtures.temporary("not-a-zip.pth")
        try Data("this is a text file, not a checkpoint\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try PyTorchCheckpoint(path: path)) { e in
            guard case .malformed = e as? CheckpointError else { return XCTFail("\(e)") }
            XCTAssertTrue("\(e)".contains("not a zip archive"), "\(e)")
            XCTAssertTrue("\(e)".contains(path), "\(e)")
        }
    }

    func testLegacyTorchFormatIsNamed() {
        XCTAssertThrowsError(try PyTorchCheckpoint(path: checkpoint("legacy-format.pth"))) { e in
            XCTAssertTrue("\(e)".contains("legacy (pre-1.6) format"), "\(e)")
        }
    }

    func testTruncatedZipIsRejected() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: checkpoint("dtypes.pth")))
        let path = ModelsFixtures.temporary("truncated.pth")
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try PyTorchCheckpoint(path: path)) { e in
            XCTAssertTrue("\(e)".contains("truncated"), "\(e)")
        }
    }

    func testZipWithoutDataPklIsRejected() {
        XCTAssertThrowsError(try PyTorchCheckpoint(path: checkpoint("no-data-pkl.pth"))) { e in
            XCTAssertTrue("\(e)".contains("no data.pkl"), "\(e)")
        }
    }

    func testPickleCallingOsSystemIsRefusedByName() {
        XCTAssertThrowsError(try PyTorchCheckpoint(path: checkpoint("os-system.pth"))) { e in
            XCTAssertEqual(e as? CheckpointError, .refusedGlobal(name: "os.system", path: checkpoint("os-system.pth")))
            XCTAssertTrue("\(e)".contains("never executes"), "\(e)")
        }
    }

    func testPickleCallingBuiltinsEvalIsRefusedByName() {
        XCTAssertThrowsError(try PyTorchCheckpoint(path: checkpoint("builtins-eval.pth"))) { e in
            XCTAssertEqual(e as? CheckpointError, .refusedGlobal(name: "builtins.eval", path: checkpoint("builtins-eval.pth")))
        }
    }

    /// A training checkpoint that also pickles its `argparse.Namespace`: the state dict loads,
    /// the foreign global is listed and was never imported or called.
    func testGlobalsOutsideTheStateDictAreSkippedAndListed() throws {
        let c = try PyTorchCheckpoint(path: checkpoint("with-namespace.pth"))
        XCTAssertEqual(c.keys, ["w"])
        XCTAssertEqual(try c.tensor("w").toArray(), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(c.ignoredGlobals, ["argparse.Namespace"])
    }

    func testStorageTooShortNamesTheTensor() {
        XCTAssertThrowsError(try PyTorchCheckpoint(path: checkpoint("short-storage.pth"))) { e in
            guard case let .storageTooShort(key, needed, available, _) = e as? CheckpointError else { return XCTFail("\(e)") }
            XCTAssertEqual(key, "f32")  // storage 0 of protocol4.pth is f32 (3 x 4 float32)
            XCTAssertEqual(needed, 48)
            XCTAssertEqual(available, 24)
        }
    }

    func testCompressedEntryIsRefused() {
        XCTAssertThrowsError(try PyTorchCheckpoint(path: checkpoint("compressed.pth"))) { e in
            guard case .unsupported = e as? CheckpointError else { return XCTFail("\(e)") }
            XCTAssertTrue("\(e)".contains("compressed"), "\(e)")
        }
    }

    func testCheckpointOfAnotherModelFailsStrictLoading() throws {
        let loader = WeightLoader(try PyTorchCheckpoint(path: checkpoint("wrapped.pth")))
        XCTAssertThrowsError(try loader.scoped("encoder").tensor("weight", shape: [4, 3])) { e in
            XCTAssertEqual(e as? CheckpointError, .missingKey(key: "encoder.weight", source: checkpoint("wrapped.pth")))
        }
        XCTAssertThrowsError(try loader.finish()) { e in
            guard case let .unusedKeys(keys, _) = e as? CheckpointError else { return XCTFail("\(e)") }
            XCTAssertEqual(keys, ["0.bias", "0.weight", "1.bias", "1.weight"])
        }
    }

    func testMissingFileNamesThePath() {
        XCTAssertThrowsError(try PyTorchCheckpoint(path: "/nonexistent/base.pth")) { e in
            guard case .unreadable = e as? CheckpointError else { return XCTFail("\(e)") }
            XCTAssertTrue("\(e)".contains("/nonexistent/base.pth"), "\(e)")
        }
    }

    // MARK: Dicts of state dicts (the PALM reference's learner checkpoints)

    /// `{'learner': {'w': tensor, 'x': os.system('true')}}`: a refused global beside the
    /// tensors of a nested state dict is refused, as in a top-level one.
    func testRefusedGlobalInANestedStateDictIsRefused() throws {
        let inner = StateDictPickle.bytes([.init(key: "w", storage: "0", count: 2, shape: [2], strides: [1])]).dropFirst(2).dropLast()
        func text(_ s: String) -> [UInt8] { let u = Array(s.utf8); return [0x58] + TorchZipWriter.le(UInt64(u.count), 4) + u }
        let pickle: [UInt8] = [0x80, 0x02, 0x7D] + text("learner") + inner
            + text("x") + Array("cos\nsystem\n".utf8) + text("true") + [0x85, 0x52, 0x73]  // TUPLE1, REDUCE, SETITEM
            + [0x73, 0x2E]  // SETITEM (learner), STOP
        let path = ModelsFixtures.temporary("nested-os-system.pth")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TorchZipWriter.write([("nested/data.pkl", .bytes(pickle)), ("nested/data/0", .bytes([UInt8](repeating: 0, count: 8)))], to: path)
        XCTAssertThrowsError(try PyTorchCheckpoint(path: path)) { e in
            XCTAssertEqual(e as? CheckpointError, .refusedGlobal(name: "os.system", path: path))
        }
    }

    /// Dotted names of nested dicts that collide are an error naming the name, not a silent pick.
    func testCollidingDottedNamesAreRejected() throws {
        let path = ModelsFixtures.temporary("collide.pth")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PyTorchCheckpointWriter.write(.dict([("a", .dict([("b.c", .tensor(Tensor([1])))])), ("a.b", .dict([("c", .tensor(Tensor([2])))]))]), to: path)
        XCTAssertThrowsError(try PyTorchCheckpoint(path: path)) { e in
            XCTAssertEqual(e as? CheckpointError, .malformed(path: path, reason: "two tensors in nested dicts are both named 'a.b.c'"))
        }
    }
}
