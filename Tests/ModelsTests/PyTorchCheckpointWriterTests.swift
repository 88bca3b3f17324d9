import Foundation
import XCTest
import Support
import Tensor
import Models

/// `PyTorchCheckpointWriter` read back by palm's own reader (values exact), and the zip it
/// writes checked byte by byte by `ZipListing` (CRCs recomputed, data aligned to 64 bytes,
/// ZIP64 only when asked). That torch reads these files is shown by
/// `Scripts/fixtures/learner_checkpoints.py --verify` (see `LearnerCheckpointInteropTests`).
final class PyTorchCheckpointWriterTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = ModelsFixtures.temporary("writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func file(_ name: String) -> String { directory + "/" + name }

    /// A tree with every kind of value: f32 tensors 0-d, 1-d, 3-d (one a transposed view),
    /// empty, int64 tensors (0-d and 2-d, past float's exact range), nested dicts and
    /// OrderedDicts, lists and tuples, and Python scalars at their awkward values.
    private func nestedTree() throws -> CheckpointValue {
        let cube = try Tensor((0..<24).map { Float($0) * 0.375 - 4 }, shape: [2, 3, 4])
        let transposed = try Tensor((0..<6).map { Float($0) + 0.5 }, shape: [2, 3]).transpose()  // strides [1, 3]
        return .dict([
            ("prompt_learner", .orderedDict([
                ("ctx", .tensor(cube)),
                ("lambdas", .tensor(Tensor([0.25, -1.5, Float.pi]))),
                ("scale", .tensor(Tensor(scalar: -0.0))),
                ("transposed", .tensor(transposed)),
                ("empty", .tensor(Tensor.zeros([0, 3]))),
                ("odd", .tensor(Tensor([.nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]))),
            ])),
            ("pengi_bn0_buffer", .dict([
                ("running_mean", .tensor(Tensor((0..<64).map { Float($0) / 7 }))),
                ("num_batches_tracked", .int64Tensor(shape: [], values: [0])),
                ("counts", .int64Tensor(shape: [2, 2], values: [-1, 1 << 40, Int64.min, Int64.max])),
            ])),
            ("meta", .dict([
                ("method", .string("palm ✓ — ESC50")),
                ("epoch", .int(7)),
                ("ints", .list([.int(0), .int(255), .int(256), .int(65_535), .int(65_536), .int(-1), .int(Int(Int32.min)),
                                .int(Int(Int32.max) + 1), .int(1 << 40), .int(Int.min), .int(Int.max)])),
                ("floats", .tuple([.float(0.1), .float(-0.0), .float(1e300), .float(.nan)])),
                ("flags", .tuple([.bool(true), .bool(false), .none])),
                ("shape", .tuple([.int(1), .int(2), .int(3), .int(4)])),
                ("empty", .dict([])),
                ("empty_ordered", .orderedDict([])),
                ("empty_list", .list([])),
                ("empty_tuple", .tuple([])),
            ])),
        ])
    }

    func testNestedTreeRoundTripsExactly() throws {
        let tree = try nestedTree()
        let path = file("tree.pth")
        try PyTorchCheckpointWriter.write(tree, to: path)
        try LearnerCheckpointFixture.keepForVerification(tree, as: "palm-written-tree.pth")
        let back = try PyTorchCheckpoint.readValue(path: path)
        let diffs = differences(back, tree)
        print("round trip of a \(try Data(contentsOf: URL(fileURLWithPath: path)).count)-byte tree: \(diffs.count) difference(s)\(diffs.isEmpty ? "" : ":\n" + diffs.joined(separator: "\n"))")
        XCTAssertEqual(diffs, [])
        XCTAssertEqual(back, tree)
        // The transposed view was written contiguous, in row-major order of its own shape.
        guard case let .tensor(t)? = back["prompt_learner"]?["transposed"] else { return XCTFail("no transposed tensor") }
        XCTAssertEqual(t.shape, [3, 2])
        XCTAssertEqual(t.toArray(), [0.5, 3.5, 1.5, 4.5, 2.5, 5.5])
    }

    /// The lazy state-dict reader finds the tensors of the nested dicts under dotted names.
    func testStateDictReaderSeesNestedTensorsUnderDottedNames() throws {
        let path = file("tree.pth")
        try PyTorchCheckpointWriter.write(try nestedTree(), to: path)
        let ck = try PyTorchCheckpoint(path: path)
        XCTAssertEqual(ck.keys, ["pengi_bn0_buffer.counts", "pengi_bn0_buffer.num_batches_tracked", "pengi_bn0_buffer.running_mean",
                                 "prompt_learner.ctx", "prompt_learner.empty", "prompt_learner.lambdas", "prompt_learner.odd",
                                 "prompt_learner.scale", "prompt_learner.transposed"])
        XCTAssertEqual(ck.info("prompt_learner.ctx"), TensorInfo(dtype: .float32, shape: [2, 3, 4]))
        XCTAssertEqual(ck.info("prompt_learner.scale"), TensorInfo(dtype: .float32, shape: []))
        XCTAssertEqual(ck.info("pengi_bn0_buffer.num_batches_tracked"), TensorInfo(dtype: .int64, shape: []))
        XCTAssertEqual(try ck.tensor("prompt_learner.ctx").toArray(), (0..<24).map { Float($0) * 0.375 - 4 })
        XCTAssertEqual(try ck.tensor("prompt_learner.scale").toArray().map(\.bitPattern), [Float(-0.0).bitPattern])
        XCTAssertEqual(try ck.tensor("pengi_bn0_buffer.num_batches_tracked").toArray(), [0])
        let loader = WeightLoader(ck).scoped("prompt_learner")
        XCTAssertEqual(try loader.tensor("lambdas", shape: [3]).toArray(), [0.25, -1.5, Float.pi])
    }

    func testEntriesHaveRealCRCsAndDataAlignedTo64Bytes() throws {
        let path = file("ESC50-FOLD1-SEED0.pth")
        try PyTorchCheckpointWriter.write(try nestedTree(), to: path)
        let zip = try ZipListing(path: path)
        let root = "ESC50-FOLD1-SEED0/"
        XCTAssertEqual(zip.entries.map(\.name), [root + "data.pkl", root + "byteorder"] + (0..<9).map { root + "data/\($0)" } + [root + "version"])
        XCTAssertFalse(zip.hasZip64End, "a small checkpoint needs no ZIP64 records")
        for e in zip.entries {
            let crc = ZipListing.crc32(e.data)
            XCTAssertEqual(e.centralCRC, crc, "central CRC of \(e.name)")
            XCTAssertEqual(e.localCRC, crc, "local CRC of \(e.name)")
            XCTAssertEqual(e.dataOffset % 64, 0, "data of \(e.name) starts at \(e.dataOffset)")
            XCTAssertEqual(e.method, 0, "\(e.name) is STORED")
            XCTAssertEqual(e.localSize, e.centralSize, "sizes of \(e.name)")
            XCTAssertNil(e.localExtras[1], "\(e.name) has no ZIP64 field")
            // torch's padding: an "FB" field of 'Z's.
            let pad = try XCTUnwrap(e.localExtras[0x4246], "\(e.name) has no FB padding field")
            XCTAssertTrue(pad.allSatisfy { $0 == 0x5A })
        }
        XCTAssertEqual(zip.entry(root + "version")?.data, Array("3\n".utf8))
        XCTAssertEqual(zip.entry(root + "byteorder")?.data, Array("little".utf8))
        // Storages are raw little-endian, numbered in pickle order: data/0 is ctx, data/7 the
        // 0-d int64 counter, data/8 the int64 counts (-1 first).
        XCTAssertEqual(zip.entry(root + "data/0")?.data.count, 24 * 4)
        XCTAssertEqual(zip.entry(root + "data/1")?.data.prefix(4), [0x00, 0x00, 0x80, 0x3E])  // 0.25
        XCTAssertEqual(zip.entry(root + "data/7")?.data, [UInt8](repeating: 0, count: 8))
        XCTAssertEqual(zip.entry(root + "data/8")?.data.prefix(8), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    /// `.always` puts every size and offset in ZIP64 fields (what miniz does past 4 GiB);
    /// the archive still reads back identically.
    func testZip64LayoutReadsBack() throws {
        let tree = try nestedTree()
        let path = file("zip64.pth")
        try PyTorchCheckpointWriter.write(tree, to: path, zip64: .always)
        try LearnerCheckpointFixture.keepForVerification(tree, as: "palm-written-tree-zip64.pth", zip64: .always)
        let zip = try ZipListing(path: path)
        XCTAssertTrue(zip.hasZip64End)
        for e in zip.entries {
            XCTAssertNotNil(e.localExtras[1], "local ZIP64 field of \(e.name)")
            XCTAssertNotNil(e.centralExtras[1], "central ZIP64 field of \(e.name)")
            XCTAssertEqual(e.centralCRC, ZipListing.crc32(e.data), e.name)
            XCTAssertEqual(e.localSize, e.data.count, e.name)
            XCTAssertEqual(e.dataOffset % 64, 0, e.name)
        }
        XCTAssertEqual(differences(try PyTorchCheckpoint.readValue(path: path), tree), [])
    }

    func testArchiveFolderIsTheFileStemLikeTorch() throws {
        let value = CheckpointValue.orderedDict([("w", .tensor(Tensor([1, 2])))])
        for (name, folder) in [("ESC50-FOLD1-SEED0.pth", "ESC50-FOLD1-SEED0"), ("model.v2.pt", "model.v2"), ("noext", "noext"),
                               (".pth", "archive"), ("sp ace ✓.pth", "sp ace ✓")] {
            try PyTorchCheckpointWriter.write(value, to: file(name))
            XCTAssertEqual(try ZipListing(path: file(name)).entries.first?.name, folder + "/data.pkl", name)
            XCTAssertEqual(try PyTorchCheckpoint.readValue(path: file(name)), value, name)
        }
        try PyTorchCheckpointWriter.write(value, to: file("x.pth"), archiveName: "archive")
        XCTAssertEqual(try ZipListing(path: file("x.pth")).entries.first?.name, "archive/data.pkl")
    }

    /// The same value gives the same bytes (no timestamps, no random ids), and writing over a
    /// file replaces it whole, leaving no temporary file behind.
    func testOutputIsDeterministicAndReplacesTheFileAtomically() throws {
        let path = file("same.pth")
        try PyTorchCheckpointWriter.write(try nestedTree(), to: path)
        let first = try Data(contentsOf: URL(fileURLWithPath: path))
        try PyTorchCheckpointWriter.write(.dict([("other", .int(1))]), to: path)
        try PyTorchCheckpointWriter.write(try nestedTree(), to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), first)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["same.pth"])
    }

    func testCreatesTheFolderWhenAsked() throws {
        let path = file("runs/fold1/seed0.pth")
        try PyTorchCheckpointWriter.write(try LearnerCheckpointFixture.checkpoint(), to: path, createDirectory: true)
        XCTAssertEqual(try PyTorchCheckpoint.readValue(path: path), try LearnerCheckpointFixture.checkpoint())
    }

    // MARK: Errors name the file and what failed, and write nothing

    func testInt64TensorThatDoesNotFillItsShapeNamesTheKey() {
        let path = file("bad.pth")
        let value = CheckpointValue.dict([("pengi_bn0_buffer", .dict([("num_batches_tracked", .int64Tensor(shape: [2], values: [7]))]))])
        XCTAssertThrowsError(try PyTorchCheckpointWriter.write(value, to: path)) { e in
            XCTAssertEqual(e as? CheckpointError, .unwritable(path: path, reason: "int64 tensor 'pengi_bn0_buffer.num_batches_tracked': 1 values do not fill shape [2]"))
            XCTAssertTrue("\(e)".hasPrefix("\(path): cannot write checkpoint"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func testRepeatedKeyIsRefused() {
        let path = file("twice.pth")
        let value = CheckpointValue.dict([("prompt_learner", .orderedDict([("ctx", .int(1)), ("ctx", .int(2))]))])
        XCTAssertThrowsError(try PyTorchCheckpointWriter.write(value, to: path)) { e in
            XCTAssertEqual(e as? CheckpointError, .unwritable(path: path, reason: "dict 'prompt_learner' has the key 'ctx' twice"))
        }
    }

    func testArchiveNameWithASlashIsRefused() {
        let path = file("x.pth")
        XCTAssertThrowsError(try PyTorchCheckpointWriter.write(.none, to: path, archiveName: "a/b")) { e in
            guard case .unwritable(path, _)? = e as? CheckpointError else { return XCTFail("\(e)") }
            XCTAssertTrue("\(e)".contains("'a/b'"), "\(e)")
        }
    }

    func testUnwritableFolderNamesTheFile() {
        let path = file("missing-folder/x.pth")
        XCTAssertThrowsError(try PyTorchCheckpointWriter.write(.none, to: path)) { e in
            guard let error = e as? AtomicWriteError else { return XCTFail("\(e)") }
            XCTAssertEqual(error.path, path)
        }
    }

    // MARK: Reading whole trees

    /// Values a tree cannot hold are named by their key.
    func testTreeReaderNamesWhatItCannotHold() throws {
        // with-namespace.pth pickles an argparse.Namespace under 'args'.
        let namespace = ModelsFixtures.path("checkpoints/with-namespace.pth")
        XCTAssertThrowsError(try PyTorchCheckpoint.readValue(path: namespace)) { e in
            XCTAssertEqual(e as? CheckpointError, .refusedGlobal(name: "argparse.Namespace", path: namespace))
        }
        // dtypes.pth: every dtype, read as float32 or exactly as int64.
        let dtypes = try PyTorchCheckpoint.readValue(path: ModelsFixtures.path("checkpoints/dtypes.pth"))
        XCTAssertEqual(dtypes["i64"], .int64Tensor(shape: [10], values: Array(-3..<7)))
        XCTAssertEqual(dtypes["i32"], .int64Tensor(shape: [3], values: [-(1 << 20), 0, 7]))
        XCTAssertEqual(dtypes["bool"], .int64Tensor(shape: [3], values: [1, 0, 1]))
        XCTAssertEqual(dtypes.kind, "OrderedDict")
        let lazy = try PyTorchCheckpoint(path: ModelsFixtures.path("checkpoints/dtypes.pth"))
        for key in ["f32", "f16", "bf16", "f64", "transposed", "sliced", "column", "permuted", "scalar", "empty", "parameter"] {
            XCTAssertEqual(dtypes[key], .tensor(try lazy.tensor(key)), key)
        }
    }
}
