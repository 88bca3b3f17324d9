import Foundation
import XCTest
import Models
import TestSupport

/// The issue's tensor-file reproducers, a FIFO given as a checkpoint and a pickle that used to
/// take forever, run through the built `palm` as child processes: each must exit 1 with an
/// error naming the file, never die by a signal or hang. In process, a FIFO, a directory or a
/// device is refused by every checkpoint reader before it is opened.
final class TensorFileProcessTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = ModelsFixtures.temporary("tensor-files")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// Runs `script` (written beside the test files) with `palm run`.
    private func run(script: String, _ name: String) throws -> ProcessOutcome {
        let path = dir + "/\(name).palm"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        return try PalmProcess.run(["run", path], timeout: 120)
    }

    func testIssueReproducersEndInACleanErrorNamingTheFile() throws {
        let reproducers: [(name: String, header: String, data: Int, script: String)] = [
            ("wrap48", #"{"w":{"dtype":"F32","shape":[4611686018427387907,4],"data_offsets":[0,48]}}"#, 48, "print(t.tensors[\"w\"][1000, 0])\nprint(t)"),
            ("pow62", #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#, 0, "print(t)"),
            ("pow32cubed", #"{"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,0]}}"#, 0, "print(t)"),
        ]
        for r in reproducers {
            let file = dir + "/\(r.name).safetensors"
            try Data(HostileCheckpoints.safeTensors(header: r.header, data: [UInt8](repeating: 0, count: r.data))).write(to: URL(fileURLWithPath: file))
            let outcome = try run(script: "t = load_tensors(\"\(file)\")\n\(r.script)\n", r.name)
            XCTAssertTrue(outcome.isCleanFailure, "\(r.name): \(outcome)")
            let said = outcome.stdout + outcome.stderr
            XCTAssertTrue(said.contains(file) && said.contains("needs more bytes than can be addressed"), "\(r.name): \(outcome)")
        }
    }

    func testFIFOGivenAsACheckpointOrTensorFileIsRefusedWithoutBlocking() throws {
        let fifo = dir + "/weights.pth"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // A checkpoint through a model spec (PENGI sniffs the format, aisfx reads a torch zip)...
        for model in ["pengi:\(fifo)", "aisfx:\(fifo)"] {
            let outcome = try PalmProcess.run(["embed-text", "--model", model, "hello"], timeout: 120)
            XCTAssertTrue(outcome.isCleanFailure, "\(model): \(outcome)")
            XCTAssertTrue(outcome.stderr.contains(fifo) && outcome.stderr.contains("FIFO"), "\(model): \(outcome)")
        }
        // ...and a tensor file in a script.
        let outcome = try run(script: "t = load_tensors(\"\(fifo)\")\nprint(t)\n", "fifo")
        XCTAssertTrue(outcome.isCleanFailure, "\(outcome)")
        XCTAssertTrue((outcome.stdout + outcome.stderr).contains(fifo), "\(outcome)")
    }

    func testContainersSharedThroughTheMemoAreWalkedOnce() throws {
        // {'a': L1} where L1 holds L2 a thousand times, L2 holds L3 a thousand times, ... eight
        // levels: a 16 KB data.pkl describing 1000^8 paths. Looking for refused globals in it
        // walked every path (a hang, hence a child process); now each list is entered at most
        // once per depth, and the file is refused for holding no state dict.
        var p = PickleOps()
        p.op(0x5D); p.raw([0x71, 9])                              // L9 = [] -> memo 9
        for level in stride(from: 8, through: 1, by: -1) {
            p.op(0x5D); p.op(0x28)                                // new list, MARK
            for _ in 0..<1000 { p.raw([0x68, UInt8(level + 1)]) }  // BINGET L(level+1)
            p.op(0x65); p.raw([0x71, UInt8(level)])               // APPENDS, -> memo level
            p.op(0x30)                                            // POP
        }
        p.op(0x7D); p.text("a"); p.raw([0x68, 1]); p.op(0x73); p.op(0x2E)  // {'a': L1}
        let path = dir + "/shared.pth"
        try TorchZipWriter.write([("archive/data.pkl", .bytes(p.bytes))], to: path)
        let outcome = try PalmProcess.run(["embed-text", "--model", "aisfx:\(path)", "hello"], timeout: 120)
        XCTAssertTrue(outcome.isCleanFailure, "\(outcome)")
        XCTAssertTrue(outcome.stderr.contains(path) && outcome.stderr.contains("no state dict"), "\(outcome)")
    }

    func testEveryReaderRefusesNonRegularFilesBeforeOpening() throws {
        let fifo = dir + "/in-process.safetensors"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // Hold the FIFO open for reading and writing, with bytes in it: if a reader regressed to
        // opening it, its open and reads return rather than hang the test runner.
        let keeper = open(fifo, O_RDWR | O_NONBLOCK)
        XCTAssertGreaterThanOrEqual(keeper, 0)
        defer { close(keeper) }
        _ = [UInt8](repeating: 0x50, count: 64).withUnsafeBytes { write(keeper, $0.baseAddress, 64) }

        let readers: [(String, (String) throws -> Any)] = [
            ("SafeTensorsFile", { try SafeTensorsFile(path: $0) }),
            ("PyTorchCheckpoint", { try PyTorchCheckpoint(path: $0) }),
            ("readValue", { try PyTorchCheckpoint.readValue(path: $0) }),
            ("CheckpointFile.open", { try CheckpointFile.open($0) }),
            ("MappedFile", { try MappedFile(path: $0) }),
        ]
        for (path, what) in [(fifo, "a FIFO"), (dir, "a directory"), ("/dev/zero", "a character device")] {
            for (name, read) in readers {
                XCTAssertThrowsError(try read(path), name) { e in
                    guard case .unreadable = e as? CheckpointError else { return XCTFail("\(name): \(e)") }
                    XCTAssertTrue("\(e)".contains(path) && "\(e)".contains(what), "\(name): \(e)")
                }
            }
        }
        XCTAssertThrowsError(try SafeTensorsFile(path: dir + "/a\u{0}b")) { e in
            XCTAssertTrue("\(e)".contains("NUL"), "\(e)")
        }
    }
}
