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
}
