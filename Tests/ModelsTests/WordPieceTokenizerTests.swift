import Foundation
import XCTest
import Models

/// BERT WordPiece against transformers' BertTokenizer with all-MiniLM-L6-v2's vocabulary
/// (`Tests/Fixtures/tokenizers/minilm.json`; the vocab is committed beside it, or taken from
/// `PALM_MINILM_DIR/vocab.txt` when that is set).
final class WordPieceTokenizerTests: XCTestCase {
    private var vocabPath: String {
        if let dir = ProcessInfo.processInfo.environment["PALM_MINILM_DIR"], !dir.isEmpty { return dir + "/vocab.txt" }
        return ModelsFixtures.path("tokenizers/minilm-vocab.txt")
    }

    func testMatchesTransformersAtLength256() throws {
        let tok = try WordPieceTokenizer(vocabFile: vocabPath)
        XCTAssertEqual(tok.maxLength, 256)
        let golden = try TokenizerGolden.load("minilm.json")
        let pad = try XCTUnwrap(golden.pad_id)
        var identical = 0
        for c in golden.cases {
            let t = tok.tokenize(c.text)
            let want = TokenizerGolden.padded(c.ids, pad: pad, length: 256)
            if t.ids == want.ids { identical += 1 }
            XCTAssertEqual(t.ids, want.ids, "ids of \(c.text.debugDescription)")
            XCTAssertEqual(t.attentionMask, want.mask, "mask of \(c.text.debugDescription)")
            XCTAssertEqual(t.endPosition, c.ids.count - 1)
        }
        print("WordPieceTokenizer: \(identical)/\(golden.cases.count) cases identical to \(golden.tokenizer)")
    }

    func testMatchesTransformersWhenTruncatedTo16() throws {
        let tok = try WordPieceTokenizer(vocabFile: vocabPath, maxLength: 16)
        let golden = try TokenizerGolden.load("minilm.json")
        for c in golden.cases {
            let t = tok.tokenize(c.text)
            let want = TokenizerGolden.padded(try XCTUnwrap(c.ids16), pad: try XCTUnwrap(golden.pad_id), length: 16)
            XCTAssertEqual(t.ids, want.ids, "ids of \(c.text.debugDescription)")
            XCTAssertEqual(t.attentionMask, want.mask, "mask of \(c.text.debugDescription)")
        }
    }

    func testSpecialIdsAndAccentStripping() throws {
        let tok = try WordPieceTokenizer(vocabFile: vocabPath)
        XCTAssertEqual([tok.padToken, tok.unknownToken, tok.clsToken, tok.sepToken], [0, 100, 101, 102])
        XCTAssertEqual(tok.encode("Café"), tok.encode("cafe"))
        XCTAssertEqual(tok.encode(String(repeating: "x", count: 101)), [tok.unknownToken])
    }

    func testMissingVocabularyFileNamesThePath() {
        XCTAssertThrowsError(try WordPieceTokenizer(vocabFile: "/nonexistent/vocab.txt")) { e in
            XCTAssertTrue("\(e)".contains("/nonexistent/vocab.txt"), "\(e)")
        }
    }
}
