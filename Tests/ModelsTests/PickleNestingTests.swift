import Foundation
import XCTest
import Models

/// Pickles nested a million levels deep (a few MB of opcodes) must be rejected with an error,
/// not crash the process by overflowing the stack while freeing what was built.
final class PickleNestingTests: XCTestCase {
    private func load(pickle: [UInt8], name: String) throws -> PyTorchCheckpoint {
        let path = ModelsFixtures.temporary(name)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TorchZipWriter.write([("deep/data.pkl", .bytes(pickle))], to: path)
        return try PyTorchCheckpoint(path: path)
    }

    func testMillionNestedTuplesAreRejected() {
        // PROTO 2, NONE, TUPLE1 x 1e6, STOP: ((((None,),),),...)
        let pickle: [UInt8] = [0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: 1_000_000) + [0x2E]
        XCTAssertThrowsError(try load(pickle: pickle, name: "tuples.pth")) { e in
            guard case .malformed = e as? CheckpointError else { return XCTFail("\(e)") }
        }
    }

    func testMillionNestedListsBuiltByMutationAreRejected() {
        // Root list in memo 0; then per level: new list -> memo 1, APPEND it to the current
        // list, POP, BINGET 1 (the new list becomes current). Finally return the root.
        var p: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00]
        for _ in 0..<1_000_000 { p += [0x5D, 0x71, 0x01, 0x61, 0x30, 0x68, 0x01] }
        p += [0x30, 0x68, 0x00, 0x2E]
        XCTAssertThrowsError(try load(pickle: p, name: "lists.pth")) { e in
            guard case .malformed = e as? CheckpointError else { return XCTFail("\(e)") }
        }
    }

    func testDeepStructurePoppedAndDroppedIsHarmless() {
        // ((((None,),),)...) built, POPped, then an empty dict returned: no state dict.
        let pickle: [UInt8] = [0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: 1_000_000) + [0x30, 0x7D, 0x2E]
        XCTAssertThrowsError(try load(pickle: pickle, name: "popped.pth")) { e in
            XCTAssertTrue("\(e)".contains("no state dict"), "\(e)")
        }
    }

    func testDeepArgumentsToAnAllowedCallAreHarmless() {
        // numpy.dtype(((((None,),),)...)): refused for its arguments, then freed.
        let pickle: [UInt8] = [0x80, 0x02] + Array("cnumpy\ndtype\n".utf8) + [0x4E]
            + [UInt8](repeating: 0x85, count: 1_000_000) + [0x85, 0x52, 0x2E]
        XCTAssertThrowsError(try load(pickle: pickle, name: "deep-args.pth")) { e in
            guard case .malformed = e as? CheckpointError else { return XCTFail("\(e)") }
        }
    }

    func testDeepStructureFollowedByAnErrorIsRejected() {
        let pickle: [UInt8] = [0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: 1_000_000) + [0xFF]
        XCTAssertThrowsError(try load(pickle: pickle, name: "deep-error.pth")) { e in
            guard case .unsupported = e as? CheckpointError else { return XCTFail("\(e)") }
        }
    }

    // MARK: Whole-tree reads (PyTorchCheckpoint.readValue) and nested state dicts

    private func readValue(pickle: [UInt8], name: String) throws -> CheckpointValue {
        let path = ModelsFixtures.temporary(name)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TorchZipWriter.write([("deep/data.pkl", .bytes(pickle))], to: path)
        return try PyTorchCheckpoint.readValue(path: path)
    }

    func testTreeReaderRejectsAMillionNestedLists() {
        var p: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00]
        for _ in 0..<1_000_000 { p += [0x5D, 0x71, 0x01, 0x61, 0x30, 0x68, 0x01] }
        p += [0x30, 0x68, 0x00, 0x2E]
        XCTAssertThrowsError(try readValue(pickle: p, name: "tree-lists.pth")) { e in
            XCTAssertTrue("\(e)".contains("nests deeper than 100 levels"), "\(e)")
        }
    }

    func testTreeReaderRejectsAListThatHoldsItself() {
        // l = []; l.append(l): EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, STOP.
        XCTAssertThrowsError(try readValue(pickle: [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E], name: "tree-cycle.pth")) { e in
            guard case .malformed = e as? CheckpointError else { return XCTFail("\(e)") }
        }
    }

    /// Four levels of dicts, each holding the level below under 1000 keys through the memo:
    /// a 30 KB pickle describing 10^12 entries. Both readers give up with an error.
    func testSharedDictsTooWideToWalkAreRejected() {
        var p: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x00, 0x30]  // {} -> memo 0, POP
        for level in 1...4 {
            p += [0x7D, 0x71, UInt8(level), 0x28]  // {} -> memo level, MARK
            for k in 0..<1000 {
                let key = Array("k\(k)".utf8)
                p += [0x58] + TorchZipWriter.le(UInt64(key.count), 4) + key + [0x68, UInt8(level - 1)]
            }
            p.append(0x75)  // SETITEMS
            if level < 4 { p.append(0x30) }
        }
        p.append(0x2E)
        XCTAssertThrowsError(try readValue(pickle: p, name: "tree-wide.pth")) { e in
            XCTAssertTrue("\(e)".contains("more than 4194304 values"), "\(e)")
        }
        XCTAssertThrowsError(try load(pickle: p, name: "wide.pth")) { e in
            XCTAssertTrue("\(e)".contains("more than 1048576 entries"), "\(e)")
        }
    }
}
