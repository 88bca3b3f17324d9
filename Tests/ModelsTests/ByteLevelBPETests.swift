import Foundation
import Models
import TestSupport
import XCTest

/// palm's byte-level BPE against transformers' `GPT2Tokenizer` on a vocabulary trained for the
/// fixture (`Scripts/fixtures/bytelevel_bpe.py`): spaces, apostrophes, digits, punctuation,
/// unicode, newlines and unseen words.
final class ByteLevelBPETests: XCTestCase {
    func testIdsEqualTransformers() throws {
        let dir = Fixtures.root.appendingPathComponent("tokenizers/bytelevel").path
        let tokenizer = try ByteLevelBPETokenizer(vocabFile: dir + "/vocab.json", mergesFile: dir + "/merges.txt")
        struct Case: Decodable { let text: String; let ids: [Int] }
        struct Expected: Decodable { let cases: [Case] }
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/expected.json")))
        XCTAssertEqual(expected.cases.count, 14)
        for c in expected.cases { XCTAssertEqual(try tokenizer.encode(c.text), c.ids, c.text.debugDescription) }
        print("byte-level BPE: \(expected.cases.count) texts, every id equal to transformers' GPT2Tokenizer")
    }

    func testBadFilesNameTheFileAndLine() throws {
        let dir = try TemporaryDirectory("palm-bpe")
        try "{\"a\": 0}".write(toFile: dir.file("vocab.json"), atomically: true, encoding: .utf8)
        try "#version: 0.2\na b\nthree symbols here\n".write(toFile: dir.file("merges.txt"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ByteLevelBPETokenizer(vocabFile: dir.file("vocab.json"), mergesFile: dir.file("merges.txt"))) {
            XCTAssertTrue("\($0)".contains("merges.txt") && "\($0)".contains("line 3"), "\($0)")
        }
        try "[1, 2]".write(toFile: dir.file("vocab.json"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ByteLevelBPETokenizer(vocabFile: dir.file("vocab.json"), mergesFile: dir.file("merges.txt"))) {
            XCTAssertTrue("\($0)".contains("vocab.json"), "\($0)")
        }
    }
}
