import Foundation
import XCTest
import Models
import Tensor

/// `.safetensors` headers that lie (issue 14): every one is refused at open, before any tensor
/// is allocated or read, by an error naming the file, the tensor and what was expected.
final class SafeTensorsHostileTests: XCTestCase {
    private var paths: [String] = []
    override func tearDown() { paths.forEach { try? FileManager.default.removeItem(atPath: $0) } }

    /// Writes a file of `header` and `data` and returns its path.
    private func file(_ header: String, data: [UInt8] = [], declaredLength: UInt64? = nil, _ name: String = #function) throws -> String {
        let path = try HostileCheckpoints.write(HostileCheckpoints.safeTensors(header: header, data: data, declaredLength: declaredLength),
                                                name: name.filter { $0.isLetter } + ".safetensors")
        paths.append(path)
        return path
    }

    /// Opens `path` and reads every tensor, as `load_tensors` does.
    private func load(_ path: String) throws -> [String: Tensor] {
        let f = try SafeTensorsFile(path: path)
        return Dictionary(uniqueKeysWithValues: try f.keys.map { ($0, try f.tensor($0)) })
    }

    // MARK: The issue's reproducers

    func testShapeWhoseByteSizeWrapsTo48IsRefused() throws {
        // (2^62 + 3) * 4 * 4 bytes wraps to 48: the file was read as 48 bytes, then indexed far past them.
        let path = try file(#"{"w":{"dtype":"F32","shape":[4611686018427387907,4],"data_offsets":[0,48]}}"#, data: [UInt8](repeating: 0, count: 48))
        HostileCheckpoints.assertRefused(try load(path), mentioning: [path, "'w'", "shape [4611686018427387907, 4] of F32", "needs more bytes than can be addressed"])
    }

    func testShapeOf2To62By4WithNoDataIsRefused() throws {
        let path = try file(#"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#)
        HostileCheckpoints.assertRefused(try load(path), mentioning: [path, "'w'", "needs more bytes than can be addressed"])
    }

    func testShapeOf2To32CubedIsRefused() throws {
        let path = try file(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,0]}}"#)
        HostileCheckpoints.assertRefused(try load(path), mentioning: [path, "'w'", "[4294967296, 4294967296, 4294967296]", "needs more bytes than can be addressed"])
    }

    // MARK: Shapes

    func testNegativeDimensionsAreRefused() throws {
        // -1 x -12 x 4 bytes is 48 too.
        let path = try file(#"{"w":{"dtype":"F32","shape":[-1,-12],"data_offsets":[0,48]}}"#, data: [UInt8](repeating: 0, count: 48))
        HostileCheckpoints.assertRefused(try load(path), mentioning: [path, "'w'", "negative dimension -1"])
    }

    func testShapeNumbersMustBeIntegers() throws {
        for (i, dim) in ["2.0", "1e3", "true", "\"2\"", "9223372036854775808", "null"].enumerated() {
            let path = try file(#"{"w":{"dtype":"F32","shape":[\#(dim)],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8), "shape\(i)")
            HostileCheckpoints.assertRefused(try load(path), mentioning: [path, "'w'", "not an integer"])
        }
    }

    func testEmptyTensorsAreReadButTheirOtherDimensionsAreBounded() throws {
        let ok = try file(#"{"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}"#,
                          data: HostileCheckpoints.float32([2.5]))
        let tensors = try load(ok)
        XCTAssertEqual(tensors["e"]?.shape, [0, 3])
        XCTAssertEqual(tensors["s"]?.toArray(), [2.5])
        // [2^40, 0] holds nothing, yet printing it would walk 2^40 empty rows.
        let wide = try file(#"{"e":{"dtype":"F32","shape":[1099511627776,0],"data_offsets":[0,0]}}"#, "wide")
        HostileCheckpoints.assertRefused(try load(wide), mentioning: [wide, "'e'", "holds no elements", "1099511627776"])
        let huge = try file(#"{"e":{"dtype":"F32","shape":[0,4294967296,4294967296],"data_offsets":[0,0]}}"#, "huge")
        HostileCheckpoints.assertRefused(try load(huge), mentioning: [huge, "'e'", "multiply past what can be addressed"])
    }

    // MARK: data_offsets

    func testOffsetsMustHoldExactlyTheShapesBytes() throws {
        let path = try file(#"{"w":{"dtype":"F32","shape":[3,5],"data_offsets":[0,48]}}"#, data: [UInt8](repeating: 0, count: 48))
        HostileCheckpoints.assertRefused(try load(path), mentioning: [path, "'w'", "data_offsets [0, 48] holding 48 bytes, but shape [3, 5] of F32 needs 60"])
    }

    func testOffsetsPastTheFileAreRefused() throws {
        let truncated = try file(#"{"w":{"dtype":"F32","shape":[3,4],"data_offsets":[0,48]}}"#, data: [UInt8](repeating: 0, count: 40), "truncated")
        HostileCheckpoints.assertRefused(try load(truncated), mentioning: [truncated, "'w'", "run past the 40-byte data section"])
        // begin + header length used to wrap past Int.max and compare as small.
        let wrapping = try file(#"{"w":{"dtype":"U8","shape":[47],"data_offsets":[9223372036854775760,9223372036854775807]}}"#, "wrapping")
        HostileCheckpoints.assertRefused(try load(wrapping), mentioning: [wrapping, "'w'", "run past"])
        let reversed = try file(#"{"w":{"dtype":"U8","shape":[0],"data_offsets":[8,0]}}"#, data: [UInt8](repeating: 0, count: 8), "reversed")
        HostileCheckpoints.assertRefused(try load(reversed), mentioning: [reversed, "'w'", "end before they begin"])
        let negative = try file(#"{"w":{"dtype":"U8","shape":[8],"data_offsets":[-8,0]}}"#, data: [UInt8](repeating: 0, count: 8), "negative")
        HostileCheckpoints.assertRefused(try load(negative), mentioning: [negative, "'w'", "two non-negative integers"])
    }

    func testOverlappingOffsetsAreRefused() throws {
        // The safetensors format gives each tensor bytes of its own (its reference reader
        // requires the sorted offsets to be contiguous).
        let path = try file(#"{"a":{"dtype":"F32","shape":[12],"data_offsets":[0,48]},"b":{"dtype":"F32","shape":[12],"data_offsets":[40,88]}}"#,
                            data: [UInt8](repeating: 0, count: 88))
        HostileCheckpoints.assertRefused(try load(path), mentioning: [path, "'b'", "overlap", "'a' [0, 48]"])
        let same = try file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
                            data: [UInt8](repeating: 0, count: 8), "same")
        HostileCheckpoints.assertRefused(try load(same), mentioning: [same, "'b'", "overlap", "'a'"])
    }

    func testGapsAndUncoveredBytesAreRefused() throws {
        let gap = try file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
                           data: [UInt8](repeating: 0, count: 12), "gap")
        HostileCheckpoints.assertRefused(try load(gap), mentioning: [gap, "'b'", "leave bytes 4..<8"])
        let late = try file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8), "late")
        HostileCheckpoints.assertRefused(try load(late), mentioning: [late, "'a'", "leave bytes 0..<4"])
        let trailing = try file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [UInt8](repeating: 0, count: 9), "trailing")
        HostileCheckpoints.assertRefused(try load(trailing), mentioning: [trailing, "cover 4 bytes but the data section holds 9"])
    }

    func testTensorsListedInAnyOrderAreRead() throws {
        let path = try file(#"{"z":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]},"e":{"dtype":"I8","shape":[0],"data_offsets":[4,4]}}   "#,
                            data: [0x00, 0x3C, 0x00, 0xC0] + HostileCheckpoints.float32([3, -4]))
        let f = try SafeTensorsFile(path: path)
        XCTAssertEqual(f.keys, ["a", "e", "z"])
        XCTAssertEqual(f.metadata, ["k": "v"])
        XCTAssertEqual(try f.tensor("z").toArray(), [1, -2])
        XCTAssertEqual(try f.tensor("a").toArray(), [3, -4])
        XCTAssertEqual(try f.tensor("e").shape, [0])
    }

    // MARK: The header

    func testHeaderLengthsThatLieAreRefused() throws {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        for (i, length) in [UInt64(1) << 63, UInt64.max, 4096, UInt64(header.utf8.count + 5)].enumerated() {
            let path = try file(header, data: [0, 0, 0, 0], declaredLength: length, "length\(i)")
            HostileCheckpoints.assertRefused(try load(path), mentioning: [path, "header length \(length) runs past the end"])
        }
        for (i, length) in [UInt64(0), 1].enumerated() {
            let path = try file(header, data: [0, 0, 0, 0], declaredLength: length, "short\(i)")
            HostileCheckpoints.assertRefused(try load(path), mentioning: [path, "does not start with '{'"])
        }
        // Longer than the format's 100 MB, in a sparse file long enough to hold it.
        let big = ModelsFixtures.temporary("big.safetensors")
        paths.append(big)
        try Data(TorchZipWriter.le(100_000_001, 8) + Array("{}".utf8)).write(to: URL(fileURLWithPath: big))
        XCTAssertEqual(truncate(big, 100_000_016), 0)
        HostileCheckpoints.assertRefused(try load(big), mentioning: [big, "header length 100000001 is more than the 100000000 bytes"])
        let tiny = try HostileCheckpoints.write([1, 2, 3], name: "tiny.safetensors")
        paths.append(tiny)
        HostileCheckpoints.assertRefused(try load(tiny), mentioning: [tiny, "shorter than the 8-byte header length"])
    }

    func testHeadersThatAreNotAnObjectOfTensorsAreRefused() throws {
        let cases: [(String, String)] = [
            (#"[1, 2]"#, "does not start with '{'"),
            (#"{"a": 1}"#, "tensor 'a' is a number, not an object"),
            (#"{"a": {"dtype": "F32"}}"#, "tensor 'a' needs a shape"),
            (#"{"a": {"shape": [1], "data_offsets": [0, 4]}}"#, "tensor 'a' needs a dtype"),
            (#"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0]}}"#, "needs data_offsets [begin, end]"),
            (#"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4.0]}}"#, "needs data_offsets [begin, end]"),
            (#"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}"#, "not valid JSON"),
            (#"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}} x"#, "not valid JSON"),
            (#"{"a\u": {}}"#, "not valid JSON"),
            (#"{"\ud800": {}}"#, "not valid JSON"),
            ("{\"a\tb\": {}}", "not valid JSON"),
            (#"{"__metadata__": {"n": 3}}"#, "__metadata__ entry 'n' is a number"),
            (#"{"__metadata__": [1]}"#, "__metadata__ is a list"),
        ]
        for (i, (header, expected)) in cases.enumerated() {
            let path = try file(header, data: [0, 0, 0, 0], "header\(i)")
            HostileCheckpoints.assertRefused(try load(path), mentioning: [path, expected])
        }
        // Bytes that are not UTF-8 inside a key.
        let bad = try HostileCheckpoints.write(TorchZipWriter.le(7, 8) + [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], name: "latin1.safetensors")
        paths.append(bad)
        HostileCheckpoints.assertRefused(try load(bad), mentioning: [bad, "not valid UTF-8"])
    }

    func testDuplicateKeysAreRefused() throws {
        // The format disallows them; JSONSerialization silently kept one of the two.
        let entry = #"{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#
        let twice = try file(#"{"w":\#(entry),"w":\#(entry)}"#, data: [0, 0, 0, 0], "twice")
        HostileCheckpoints.assertRefused(try load(twice), mentioning: [twice, "duplicate key 'w'"])
        let escaped = try file(#"{"w":\#(entry),"\u0077":\#(entry)}"#, data: [0, 0, 0, 0], "escaped")
        HostileCheckpoints.assertRefused(try load(escaped), mentioning: [escaped, "duplicate key 'w'"])
        let field = try file(#"{"w":{"dtype":"F32","shape":[1],"shape":[100],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0], "field")
        HostileCheckpoints.assertRefused(try load(field), mentioning: [field, "duplicate key 'shape'"])
    }

    func testUnknownDtypeIsUnsupportedNamingIt() throws {
        let path = try file(#"{"w":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])
        XCTAssertThrowsError(try load(path)) { e in
            guard case .unsupported = e as? CheckpointError else { return XCTFail("\(e)") }
            for part in [path, "'w'", "'F8_E4M3'", "F32"] { XCTAssertTrue("\(e)".contains(part), "\(e)") }
        }
    }

    func testDeepNestingInTheHeaderIsRefusedWithoutRecursingDeeply() throws {
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        let path = try file(#"{"__metadata__":{"x":\#(deep)}}"#)
        HostileCheckpoints.assertRefused(try load(path), mentioning: [path, "nested deeper than 64 levels"])
    }

    func testControlCharactersInNamesAreEscapedInMessages() throws {
        let path = try file(#"{"w\u001b[2J":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#)
        let message = HostileCheckpoints.assertRefused(try load(path), mentioning: [path, #"'w\u{1B}[2J'"#])
        XCTAssertFalse(message.contains("\u{1B}"), message)
    }
}
