import XCTest
import Tensor
import Models

final class SafeTensorsTests: XCTestCase {
    func testRoundTripKeepsValuesShapesAndMetadata() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("palm-st-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.safetensors").path
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]), b = Tensor([7])
        try SafeTensorsFile.write(["w": a, "b": b], metadata: ["fingerprint": "abc"], to: path)
        let f = try SafeTensorsFile(path: path)
        XCTAssertEqual(f.keys, ["b", "w"])
        XCTAssertEqual(f.metadata["fingerprint"], "abc")
        XCTAssertEqual(try f.tensor("w").toArray(), a.toArray())
        XCTAssertEqual(f.info("w")?.shape, [2, 3])
        XCTAssertThrowsError(try f.tensor("nope"))
    }

    func testTruncatedFileIsRejectedWithItsPath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("palm-bad-\(getpid()).safetensors").path
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try SafeTensorsFile(path: path)) { e in
            XCTAssertTrue("\(e)".contains(path), "\(e)")
        }
    }

    func testWeightLoaderChecksShapesAndReportsUnusedKeys() throws {
        let src = DictionarySource(["enc.w": Tensor.zeros([2, 2]), "enc.b": Tensor.zeros([2]), "dec.x": Tensor.zeros([1])], name: "ck")
        let loader = WeightLoader(src)
        XCTAssertThrowsError(try loader.scoped("enc").tensor("w", shape: [3, 2])) { e in
            XCTAssertEqual("\(e)", "ck: tensor 'enc.w' has wrong shape: got [2, 2], expected [3, 2]")
        }
        _ = try loader.scoped("enc").tensor("w", shape: [2, 2])
        XCTAssertThrowsError(try loader.finish()) { e in XCTAssertTrue("\(e)".contains("enc.b")) }
        _ = try loader.scoped("enc").tensor("b", shape: [2])
        XCTAssertEqual(try loader.finish(ignorablePrefixes: ["dec."]), ["dec.x"])
    }
}
