import Foundation
import XCTest
import Models
import Tensor

/// PyTorch zip checkpoints that lie (issue 14): tensor views whose numbers overflow or reach
/// outside their storage, pickles that ask for more than they hold, and zip directories that
/// point outside the file. Each is refused, naming the file (and the tensor when one is at
/// fault), by both the lazy state-dict reader and the whole-tree reader.
final class TorchCheckpointHostileTests: XCTestCase {
    private var paths: [String] = []
    override func tearDown() { paths.forEach { try? FileManager.default.removeItem(atPath: $0) } }

    /// A checkpoint `{"w": view}` over storage "0" holding `storage` (8 float32 by default).
    private func checkpoint(count: Int = 8, offset: Int = 0, shape: [Int], strides: [Int],
                            storage: [UInt8] = HostileCheckpoints.float32([0, 1, 2, 3, 4, 5, 6, 7]), _ name: String = #function) throws -> String {
        let pickle = PickleOps.stateDict([("w", { $0.tensor(storage: "0", count: count, offset: offset, shape: shape, strides: strides) })])
        let path = try HostileCheckpoints.torchZip(pickle: pickle, storages: [("0", storage)], name: name.filter { $0.isLetter } + ".pth")
        paths.append(path)
        return path
    }

    /// Both readers refuse `path` with a message holding `parts`.
    private func assertBothRefuse(_ path: String, _ parts: [String], line: UInt = #line) {
        HostileCheckpoints.assertRefused(try PyTorchCheckpoint(path: path), mentioning: [path] + parts, line: line)
        HostileCheckpoints.assertRefused(try PyTorchCheckpoint.readValue(path: path), mentioning: [path] + parts, line: line)
    }

    func testAWellFormedViewStillReads() throws {
        // Offset 1, shape [2, 3], strides [1, 2]: a transposed slice.
        let path = try checkpoint(offset: 1, shape: [2, 3], strides: [1, 2])
        XCTAssertEqual(try PyTorchCheckpoint(path: path).tensor("w").toArray(), [1, 3, 5, 2, 4, 6])
        guard case let .tensor(t)? = try PyTorchCheckpoint.readValue(path: path)["w"] else { return XCTFail() }
        XCTAssertEqual(t.toArray(), [1, 3, 5, 2, 4, 6])
    }

    func testNegativeStridesOffsetsAndDimensionsAreRefusedNamingTheTensor() throws {
        assertBothRefuse(try checkpoint(offset: 7, shape: [8], strides: [-1], "stride"), ["'w'", "negative stride -1"])
        assertBothRefuse(try checkpoint(offset: -4, shape: [2], strides: [1], "offset"), ["'w'", "negative storage offset"])
        assertBothRefuse(try checkpoint(shape: [-2, -4], strides: [1, 1], "dimension"), ["'w'", "negative dimension -2"])
        assertBothRefuse(try checkpoint(shape: [2, 4], strides: [4], "rank"), ["'w'", "1 strides for 2 dimensions"])
    }

    func testShapesAndStridesThatOverflowAreRefused() throws {
        // The element count wraps: (2^62 + 3) * 4 elements.
        assertBothRefuse(try checkpoint(shape: [4_611_686_018_427_387_907, 4], strides: [0, 0], "count"),
                         ["'w'", "shape [4611686018427387907, 4] of F32", "needs more bytes than can be addressed"])
        assertBothRefuse(try checkpoint(shape: [1 << 32, 1 << 32, 1 << 32], strides: [0, 0, 0], "cube"), ["'w'", "needs more bytes than can be addressed"])
        // A small view whose strides reach past 2^63: the extent used to wrap to a small number.
        assertBothRefuse(try checkpoint(shape: [2, 2], strides: [1 << 62, Int.max], "reach"), ["'w'", "reaches past what can be addressed"])
        assertBothRefuse(try checkpoint(offset: Int.max, shape: [1], strides: [1], "end"), ["'w'", "reaches past what can be addressed"])
    }

    func testViewsOutsideTheirStorageAreRefused() throws {
        assertBothRefuse(try checkpoint(offset: 7, shape: [2], strides: [1], "past"), ["'w'", "needs 36 bytes of storage but its storage holds 32"])
        // The declared element count limits the storage too, even when the entry is longer.
        assertBothRefuse(try checkpoint(count: 2, shape: [4], strides: [1], "declared"), ["'w'", "needs 16 bytes of storage but its storage holds 8"])
        // A huge declared count does not make a short entry longer.
        assertBothRefuse(try checkpoint(count: Int.max, shape: [9], strides: [1], "hugecount"), ["'w'", "its storage holds 32"])
    }

    func testBroadcastViewsAreBoundedByTheFileSize() throws {
        // Stride 0 repeats one element; palm copies the view out, so its size is bounded.
        let small = try checkpoint(offset: 3, shape: [1000], strides: [0], "small")
        XCTAssertEqual(Set(try PyTorchCheckpoint(path: small).tensor("w").toArray()), [3])
        assertBothRefuse(try checkpoint(shape: [1 << 40], strides: [0], "huge"), ["'w'", "has 1099511627776 elements, more than the"])
        assertBothRefuse(try checkpoint(shape: [1 << 40, 0], strides: [0, 1], "emptywide"), ["'w'", "holds no elements"])
    }

    // MARK: The pickle

    /// A checkpoint whose data.pkl is `pickle`, no storages.
    private func pickled(_ pickle: [UInt8], _ name: String = #function) throws -> String {
        let path = try HostileCheckpoints.torchZip(pickle: pickle, name: name.filter { $0.isLetter } + ".pth")
        paths.append(path)
        return path
    }

    func testLengthsPastTheEndOfThePickleAreRefused() throws {
        let cases: [[UInt8]] = [
            [0x58] + TorchZipWriter.le(0xFFFF_FFFF, 4) + Array("abc".utf8),          // BINUNICODE
            [0x8D] + TorchZipWriter.le(1 << 63, 8) + Array("abc".utf8),             // BINUNICODE8
            [0x8E] + TorchZipWriter.le(UInt64.max, 8),                               // BINBYTES8
            [0x42] + TorchZipWriter.le(100, 4) + [1, 2, 3],                           // BINBYTES
            [0x8B] + TorchZipWriter.le(0xFFFF_FFF0, 4),                              // LONG4
            [0x8C, 200] + Array("short".utf8),                                       // SHORT_BINUNICODE
        ]
        for (i, body) in cases.enumerated() {
            let path = try pickled([0x80, 0x02] + body + [0x2E], "length\(i)")
            HostileCheckpoints.assertRefused(try PyTorchCheckpoint(path: path), mentioning: [path, "data.pkl"])
        }
    }

    func testMemoReferencesToMissingSlotsAreRefused() throws {
        let path = try pickled([0x80, 0x02, 0x7D, 0x71, 0x00, 0x6A] + TorchZipWriter.le(0xFFFF_FFFF, 4) + [0x2E])
        HostileCheckpoints.assertRefused(try PyTorchCheckpoint(path: path), mentioning: [path, "memo entry 4294967295 read before it was written"])
    }

    func testAPickleBuildingMillionsOfValuesIsRefused() throws {
        // One byte per value (DUP): without a bound, memory grows tens of times the file.
        let path = try pickled([0x80, 0x02, 0x4E] + [UInt8](repeating: 0x32, count: 4_200_000) + [0x2E])
        HostileCheckpoints.assertRefused(try PyTorchCheckpoint(path: path), mentioning: [path, "builds more than 4194304 values"])
    }

    // MARK: The zip directory

    /// `dtypes`-like torch zip of two entries, then `patch` applied to its bytes; the offsets
    /// of its records are those `TorchZipWriter` writes.
    private func patchedZip(_ name: String, _ patch: (inout [UInt8], _ directory: Int, _ zip64End: Int) -> Void) throws -> String {
        let source = try checkpoint(shape: [8], strides: [1], name + "source")
        var b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        // ZIP64 end record (56 bytes), locator (20), end record (22) close the file.
        let zip64End = b.count - 22 - 20 - 56
        let directory = (0..<8).reduce(0) { $0 | Int(b[zip64End + 48 + $1]) << (8 * $1) }
        patch(&b, directory, zip64End)
        let path = try HostileCheckpoints.write(b, name: name + ".pth")
        paths.append(path)
        return path
    }

    private func put(_ b: inout [UInt8], _ at: Int, _ value: UInt64, _ width: Int) {
        for (i, x) in TorchZipWriter.le(value, width).enumerated() { b[at + i] = x }
    }

    func testZipDirectoriesThatLieAreRefused() throws {
        // The first central entry is data.pkl: 46 fixed bytes, the name, then its ZIP64 field
        // (id, length, uncompressed size, compressed size, local header offset).
        let nameLength = "archive/data.pkl".utf8.count
        let cases: [(String, (inout [UInt8], Int, Int) -> Void, String)] = [
            ("count", { b, _, z in self.put(&b, z + 32, 1 << 40, 8) }, "central directory entry 2 of 1099511627776 is missing or damaged"),
            ("diroffset", { b, _, z in self.put(&b, z + 48, UInt64(b.count), 8) }, "lies outside"),
            ("dirsize", { b, _, z in self.put(&b, z + 40, 1 << 63, 8) }, "lies outside"),
            ("locator", { b, _, _ in self.put(&b, b.count - 22 - 20 + 8, UInt64.max, 8) }, "ZIP64 locator points outside the file"),
            ("entrysize", { b, d, _ in self.put(&b, d + 46 + nameLength + 4, 1 << 62, 8) }, "runs past the end"),
            ("localoffset", { b, d, _ in self.put(&b, d + 46 + nameLength + 20, 1 << 62, 8) }, "local header of zip entry 'archive/data.pkl' is missing"),
            ("namelength", { b, d, _ in self.put(&b, d + 28, 0xFFFF, 2) }, "runs past the directory"),
            ("extralength", { b, d, _ in self.put(&b, d + 46 + nameLength + 2, 0xFFFF, 2) }, "runs past its end"),
        ]
        for (name, patch, expected) in cases {
            let path = try patchedZip(name, patch)
            HostileCheckpoints.assertRefused(try PyTorchCheckpoint(path: path), mentioning: [path, expected])
        }
    }
}
