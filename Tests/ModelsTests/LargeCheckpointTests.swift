import Foundation
import XCTest
import Models

/// A 5 GiB checkpoint (a sparse file: the big storage is a hole) read lazily: opening it and
/// reading a small tensor stored *after* the big one must not read the big one, and needs
/// ZIP64 offsets beyond 4 GiB. This is the PENGI `base.pth` situation (2.2 GB, of which palm
/// needs only the encoders) made bigger.
final class LargeCheckpointTests: XCTestCase {
    func testOnlyTheKeysAskedForAreRead() throws {
        let path = ModelsFixtures.temporary("large.pth")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bigCount = 5 << 28  // 1.34e9 float32 = 5 GiB
        let small: [Float] = [1.5, -2, 0.25, 1e-3]
        let pickle = StateDictPickle.bytes([
            .init(key: "caption_decoder.big", storage: "0", count: bigCount, shape: [bigCount / 1024, 1024], strides: [1024, 1]),
            .init(key: "encoder.small", storage: "1", count: 4, shape: [2, 2], strides: [2, 1]),
        ])
        let smallBytes = small.withUnsafeBytes { Array($0) }
        try TorchZipWriter.write([
            ("large/data.pkl", .bytes(pickle)),
            ("large/byteorder", .bytes(Array("little".utf8))),
            ("large/data/0", .hole(bigCount * 4)),
            ("large/data/1", .bytes(smallBytes)),
            ("large/version", .bytes(Array("3\n".utf8))),
        ], to: path)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        XCTAssertGreaterThan(size, 5 << 30)

        let before = residentBytes()
        let ck = try PyTorchCheckpoint(path: path)
        XCTAssertEqual(ck.keys, ["caption_decoder.big", "encoder.small"])
        XCTAssertEqual(ck.info("caption_decoder.big")?.shape, [bigCount / 1024, 1024])
        let loader = WeightLoader(ck)
        XCTAssertEqual(try loader.scoped("encoder").tensor("small", shape: [2, 2]).toArray(), small)
        XCTAssertEqual(try loader.finish(ignorablePrefixes: ["caption_decoder."]), ["caption_decoder.big"])
        if let before, let after = residentBytes() {
            let grown = after - before
            print("large checkpoint: \(size >> 20) MiB file, resident memory grew by \(grown >> 10) KiB")
            XCTAssertLessThan(grown, 64 << 20, "opening a 5 GiB checkpoint must not read the storages it is not asked for")
        }
    }

    /// Resident memory after reading a 256 MiB tensor is the tensor, not the tensor plus the
    /// mapped file pages it was copied from (the target: peak <= 1.5 x the weights).
    func testReadTensorLeavesOnlyTheCopyResident() throws {
        guard residentBytes() != nil else { throw XCTSkip("no /proc/self/status on this system") }
        let path = ModelsFixtures.temporary("resident.pth")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let count = 64 << 20  // 256 MiB of float32 (a hole: zeros)
        try TorchZipWriter.write([
            ("resident/data.pkl", .bytes(StateDictPickle.bytes([.init(key: "w", storage: "0", count: count, shape: [count], strides: [1])]))),
            ("resident/data/0", .hole(count * 4)),
        ], to: path)
        let ck = try PyTorchCheckpoint(path: path)
        let before = residentBytes()!
        let t = try ck.tensor("w")
        let grown = residentBytes()! - before
        print("reading a \((count * 4) >> 20) MiB tensor: resident memory grew by \(grown >> 20) MiB")
        XCTAssertEqual(t.count, count)
        XCTAssertLessThan(Double(grown), 1.2 * Double(count * 4))
        XCTAssertGreaterThan(Double(grown), 0.8 * Double(count * 4))
    }

    /// VmRSS from /proc (Linux); nil elsewhere.
    private func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb << 10
    }
}
