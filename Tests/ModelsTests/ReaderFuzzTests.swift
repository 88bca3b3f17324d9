import Foundation
import XCTest
import Models
import Tensor

/// Seeded, bounded fuzzing of the tensor-file readers (issue 14, deliverable 9): valid
/// `.safetensors` files, torch zip checkpoints and raw pickle streams, mutated where their
/// numbers live, must each load or be refused with a `CheckpointError`: never crash, trap or
/// hang. A fixed seed makes any failure reproduce; each test prints what it tried.
final class ReaderFuzzTests: XCTestCase {
    /// How many reads of mutated inputs a test made, and what became of them.
    private struct Tally: CustomStringConvertible {
        var refused = 0, loaded = 0
        var description: String { "\(refused + loaded) reads: \(refused) refused, \(loaded) loaded" }
    }

    /// Reads everything a palm user can reach from `path` through the lazy reader: every
    /// tensor, converted and printed.
    private func readAll(_ path: String, torch: Bool) throws {
        let source: TensorSource = torch ? try PyTorchCheckpoint(path: path) : try SafeTensorsFile(path: path)
        for key in source.keys {
            let t = try source.tensor(key)
            XCTAssertEqual(t.shape, source.info(key)?.shape)
            _ = t.description
        }
    }

    /// Runs `body` on a refused or loaded input, counting; any error but a `CheckpointError`
    /// naming the file fails the test.
    private func attempt(_ path: String, _ tally: inout Tally, _ label: @autoclosure () -> String, _ body: () throws -> Void) {
        do {
            try body()
            tally.loaded += 1
        } catch let e as CheckpointError {
            tally.refused += 1
            XCTAssertTrue("\(e)".contains(path), "\(label()): \(e)")
        } catch {
            XCTFail("\(label()): not a CheckpointError: \(error)")
        }
    }

    // MARK: .safetensors

    /// A small file with every dtype palm reads, metadata and an empty tensor.
    private static func safeTensorsBase() -> (header: [UInt8], data: [UInt8]) {
        let tensors: [(String, String, [Int], Int)] = [
            ("a.f32", "F32", [2, 3], 4), ("b.f16", "F16", [4], 2), ("c.bf16", "BF16", [2], 2), ("d.i64", "I64", [1], 8),
            ("e.u8", "U8", [3], 1), ("f.bool", "BOOL", [2], 1), ("g.i8", "I8", [0, 5], 1), ("h.f64", "F64", [], 8),
            ("i.i32", "I32", [2, 1], 4), ("j.i16", "I16", [1, 1, 2], 2),
        ]
        var entries = [#""__metadata__":{"note":"fuzz base","k":"v"}"#]
        var offset = 0
        for (name, dtype, shape, size) in tensors {
            let bytes = shape.reduce(1, *) * size
            entries.append(#""\#(name)":{"dtype":"\#(dtype)","shape":[\#(shape.map(String.init).joined(separator: ","))],"data_offsets":[\#(offset),\#(offset + bytes)]}"#)
            offset += bytes
        }
        return (Array(("{" + entries.joined(separator: ",") + "}").utf8), (0..<offset).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
    }

    /// Numbers that break size arithmetic, as JSON text.
    private static let interestingNumbers = ["0", "1", "-1", "2", "3", "4", "7", "8", "48", "255", "65536", "2147483648", "4294967296",
                                             "4611686018427387904", "4611686018427387907", "9223372036854775807", "9223372036854775808",
                                             "-9223372036854775808", "18446744073709551616", "1e3", "2.5", "-0", "true", "null", "[]", "{}"]

    func testMutatedSafeTensorsLoadOrAreRefused() throws {
        var rng = SeededGenerator(seed: 0x5AFE_7E45)
        let path = ModelsFixtures.temporary("fuzz.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let golden = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ModelsFixtures.path("aisfx/golden.safetensors"))))
        let goldenLength = Int(golden[0]) | Int(golden[1]) << 8
        let bases = [Self.safeTensorsBase(), (Array(golden[8..<(8 + goldenLength)]), Array(golden[(8 + goldenLength)...]))]
        var tally = Tally()
        for i in 0..<3000 {
            var (header, data) = bases[i % bases.count]
            var declared: UInt64?
            var file: [UInt8]?
            for _ in 0..<Int.random(in: 1...3, using: &rng) where header.count > 2 {
                switch Int.random(in: 0..<9, using: &rng) {
                case 0, 1:  // a number in the header replaced by one that breaks arithmetic
                    let numbers = Self.numberRanges(header)
                    if let r = numbers.randomElement(using: &rng) {
                        header.replaceSubrange(r, with: Array(Self.interestingNumbers.randomElement(using: &rng)!.utf8))
                    }
                case 2:  // a number in the header nudged
                    if let r = Self.numberRanges(header).randomElement(using: &rng), let n = Int(String(decoding: header[r], as: UTF8.self)) {
                        header.replaceSubrange(r, with: Array(String(n &+ Int.random(in: -9...9, using: &rng)).utf8))
                    }
                case 3:  // a header byte set or flipped
                    let at = Int.random(in: 0..<header.count, using: &rng)
                    if Bool.random(using: &rng) { header[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng) } else { header[at] = UInt8.random(in: 0...255, using: &rng) }
                case 4:  // a slice of the header deleted or repeated
                    let a = Int.random(in: 0..<header.count, using: &rng), b = min(header.count, a + Int.random(in: 1...40, using: &rng))
                    if Bool.random(using: &rng) { header.removeSubrange(a..<b) } else { header.insert(contentsOf: header[a..<b], at: b) }
                case 5:  // the header length lies
                    declared = [0, 1, 7, UInt64(header.count) + 1, UInt64(header.count) - 1, 1 << 31, 1 << 32, 1 << 63, UInt64.max, 100_000_001]
                        .randomElement(using: &rng)!
                case 6:  // data added or removed
                    if Bool.random(using: &rng) { data += [UInt8](repeating: 0xAB, count: Int.random(in: 1...16, using: &rng)) } else { data.removeLast(min(data.count, Int.random(in: 1...16, using: &rng))) }
                case 7:  // the assembled file truncated
                    let whole = TorchZipWriter.le(declared ?? UInt64(header.count), 8) + header + data
                    file = Array(whole.prefix(Int.random(in: 0..<whole.count, using: &rng)))
                default:  // two numbers swapped
                    let numbers = Self.numberRanges(header)
                    if numbers.count >= 2 {
                        let picked = numbers.shuffled(using: &rng).prefix(2).sorted { $0.lowerBound < $1.lowerBound }
                        let first = Array(header[picked[0]]), second = Array(header[picked[1]])
                        header.replaceSubrange(picked[1], with: first)
                        header.replaceSubrange(picked[0], with: second)
                    }
                }
            }
            // Raw bytes, not String round trips: a flipped byte may not be UTF-8.
            let bytes = file ?? TorchZipWriter.le(declared ?? UInt64(header.count), 8) + header + data
            try HostileCheckpoints.overwrite(path, with: bytes)
            attempt(path, &tally, "safetensors input \(i)") { try readAll(path, torch: false) }
        }
        print("safetensors fuzz: 3000 inputs, \(tally)")
        XCTAssertGreaterThan(tally.refused, 1000)
        XCTAssertGreaterThan(tally.loaded, 100)
    }

    /// Byte ranges of the integers written in `header` (digits, with a leading minus).
    private static func numberRanges(_ header: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while i < header.count {
            let isDigit = { (b: UInt8) in b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
            if isDigit(header[i]) || (header[i] == UInt8(ascii: "-") && i + 1 < header.count && isDigit(header[i + 1])) {
                let start = i
                i += 1
                while i < header.count, isDigit(header[i]) { i += 1 }
                out.append(start..<i)
            } else {
                i += 1
            }
        }
        return out
    }

    // MARK: Torch zip checkpoints

    private static let torchBases = ["dtypes.pth", "protocol4.pth", "zip64-extras.pth", "tuple-numpy.pth", "wrapped.pth", "palm-learner.pth"]

    /// Little-endian values that break size and offset fields.
    private static let interestingWords: [UInt64] = [0, 1, 0x7F, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 1 << 32, 1 << 62, 1 << 63, UInt64.max]

    func testMutatedTorchCheckpointsLoadOrAreRefused() throws {
        var rng = SeededGenerator(seed: 0x70_4C4E)
        let path = ModelsFixtures.temporary("fuzz.pth")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bases = try Self.torchBases.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: ModelsFixtures.path("checkpoints/" + $0)))) }
        // Where each base's data.pkl lies: pickle mutations there reach the unpickler.
        let pickles = try Self.torchBases.map { name -> Range<Int> in
            let e = try ZipListing(path: ModelsFixtures.path("checkpoints/" + name)).entries.first { $0.name.hasSuffix("data.pkl") }!
            return e.dataOffset..<(e.dataOffset + e.centralSize)
        }
        var tally = Tally()
        for i in 0..<2000 {
            let which = i % bases.count
            var b = bases[which]
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                // Aim at the directory records at the end, at data.pkl, or anywhere.
                let region: Range<Int>
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: region = max(0, b.count - 200)..<b.count
                case 1: region = pickles[which].clamped(to: 0..<b.count)
                default: region = 0..<b.count
                }
                guard !region.isEmpty else { continue }
                let at = Int.random(in: region, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: b[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                case 1: b[at] = UInt8.random(in: 0...255, using: &rng)
                case 2:  // a length or offset field overwritten
                    let width = [2, 4, 8].randomElement(using: &rng)!
                    for (k, x) in TorchZipWriter.le(Self.interestingWords.randomElement(using: &rng)!, width).enumerated() where at + k < b.count { b[at + k] = x }
                default: b.removeLast(Int.random(in: 1...min(64, b.count), using: &rng))
                }
            }
            try HostileCheckpoints.overwrite(path, with: b)
            attempt(path, &tally, "\(Self.torchBases[which]) input \(i)") { try readAll(path, torch: true) }
            attempt(path, &tally, "\(Self.torchBases[which]) input \(i), whole tree") { _ = try PyTorchCheckpoint.readValue(path: path) }
        }
        print("torch checkpoint fuzz: 2000 inputs, each by both readers, \(tally)")
        XCTAssertGreaterThan(tally.refused, 1000)
        XCTAssertGreaterThan(tally.loaded, 200)
    }

    // MARK: Pickle streams

    /// Opcodes the unpickler knows, and a few it refuses, for insertion.
    private static let opcodes: [UInt8] = [0x28, 0x29, 0x2E, 0x30, 0x31, 0x32, 0x4E, 0x52, 0x5D, 0x61, 0x62, 0x65, 0x68, 0x6C, 0x71, 0x73,
                                           0x74, 0x75, 0x7D, 0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x93, 0x94, 0x51, 0x4B, 0x58, 0x8C, 0x8A, 0x63, 0x00, 0xFF]

    func testMutatedPicklesLoadOrAreRefused() throws {
        var rng = SeededGenerator(seed: 0x91C_C1E)
        let path = ModelsFixtures.temporary("fuzz-pickle.pth")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let archives = try Self.torchBases.map { try ZipListing(path: ModelsFixtures.path("checkpoints/" + $0)) }
        let pickles = archives.map { $0.entries.first { $0.name.hasSuffix("data.pkl") }!.data }
        var tally = Tally()
        for i in 0..<3000 {
            let which = i % archives.count
            var p = pickles[which]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0..<p.count, using: &rng)
                switch Int.random(in: 0..<7, using: &rng) {
                case 0: p[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                case 1: p.insert(Self.opcodes.randomElement(using: &rng)!, at: at)
                case 2: p.removeSubrange(at..<min(p.count, at + Int.random(in: 1...12, using: &rng)))
                case 3:  // a slice repeated: unbalanced marks, deeper nesting, memo puts over again
                    let end = min(p.count, at + Int.random(in: 1...64, using: &rng))
                    let slice = p[at..<end]
                    for _ in 0..<Int.random(in: 1...50, using: &rng) { p.insert(contentsOf: slice, at: end) }
                case 4:  // a length, integer or memo index overwritten
                    let width = [1, 2, 4, 8].randomElement(using: &rng)!
                    for (k, x) in TorchZipWriter.le(Self.interestingWords.randomElement(using: &rng)!, width).enumerated() where at + k < p.count { p[at + k] = x }
                case 5:  // spliced from another checkpoint's pickle
                    let other = pickles.randomElement(using: &rng)!
                    let from = Int.random(in: 0..<other.count, using: &rng)
                    p.replaceSubrange(at..<min(p.count, at + 16), with: other[from..<min(other.count, from + Int.random(in: 1...48, using: &rng))])
                default: p = Array(p.prefix(at))
                }
                if p.isEmpty { p = [0x2E] }
            }
            let entries = archives[which].entries.map { e -> (name: String, content: TorchZipWriter.Content) in
                (e.name, .bytes(e.name.hasSuffix("data.pkl") ? p : e.data))
            }
            try TorchZipWriter.write(entries, to: path)
            attempt(path, &tally, "\(Self.torchBases[which]) pickle \(i)") { try readAll(path, torch: true) }
            attempt(path, &tally, "\(Self.torchBases[which]) pickle \(i), whole tree") { _ = try PyTorchCheckpoint.readValue(path: path) }
        }
        print("pickle fuzz: 3000 inputs, each by both readers, \(tally)")
        XCTAssertGreaterThan(tally.refused, 2000)
        XCTAssertGreaterThan(tally.loaded, 50)
    }
}
