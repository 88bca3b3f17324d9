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

    /// VmRSS from /proc (Linux); nil elsewhere.
    private func residentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb << 10
    }
}
