import Foundation
import XCTest
import Models

/// CLIP BPE against transformers' CLIPTokenizer over class names, prompts and awkward text
/// (`Tests/Fixtures/tokenizers/clip.json`, built from the same shipped BPE file).
final class CLIPTokenizerTests: XCTestCase {
    static let tokenizer = Result { try CLIPTokenizer.bundled() }

    func testMatchesTransformersOnEveryGoldenCase() throws {
        let tok = try Self.tokenizer.get()
        let golden = try TokenizerGolden.load("clip.json")
        XCTAssertEqual(golden.max_length, tok.maxLength)
        XCTAssertGreaterThan(golden.cases.count, 100)
        var mismatches = 0
        for c in golden.cases {
            let t = tok.tokenize(c.text)
            if t.ids != c.ids { mismatches += 1 }
            XCTAssertEqual(t.ids, c.ids, "ids of \(c.text.debugDescription)")
            XCTAssertEqual(t.attentionMask, c.attention_mask, "mask of \(c.text.debugDescription)")
            XCTAssertEqual(t.endPosition, c.ids.firstIndex(of: CLIPTokenizer.endToken), "EOS of \(c.text.debugDescription)")
            if let full = c.untruncated {
                XCTAssertEqual(tok.encode(c.text), Array(full.dropFirst().dropLast()), "untruncated ids of \(c.text.debugDescription)")
            }
        }
        print("CLIPTokenizer: \(golden.cases.count - mismatches)/\(golden.cases.count) cases identical to \(golden.tokenizer)")
    }

    func testVocabularyLayout() throws {
        let tok = try Self.tokenizer.get()
        XCTAssertEqual(tok.vocabularySize, 49408)
        // "a</w>" and "dog</w>" as CLIP ViT-B/16 numbers them.
        XCTAssertEqual(tok.encode("a dog"), [320, 1929])
        XCTAssertEqual(tok.encode(""), [])
    }

    func testLongTextIsTruncatedTo38ContentTokens() throws {
        let tok = try Self.tokenizer.get()
        let t = tok.tokenize(String(repeating: "dog ", count: 100))
        XCTAssertEqual(t.ids.count, 40)
        XCTAssertEqual(t.ids.first, CLIPTokenizer.startToken)
        XCTAssertEqual(t.ids.last, CLIPTokenizer.endToken)
        XCTAssertEqual(t.endPosition, 39)
        XCTAssertEqual(t.attentionMask, Array(repeating: 1, count: 40))
    }

    func testEmptyTextIsStartThenEndThenPadding() throws {
        let t = try Self.tokenizer.get().tokenize("")
        XCTAssertEqual(Array(t.ids.prefix(3)), [49406, 49407, 49407])
        XCTAssertEqual(t.endPosition, 1)
        XCTAssertEqual(t.attentionMask.reduce(0, +), 2)
    }

    func testBundledTokenizerIsBuiltOncePerLength() throws {
        XCTAssertTrue(try CLIPTokenizer.bundled() === CLIPTokenizer.bundled())
        let short = try CLIPTokenizer.bundled(maxLength: 8)
        XCTAssertEqual(short.maxLength, 8)
        XCTAssertEqual(short.tokenize("a dog").ids, [49406, 320, 1929, 49407, 49407, 49407, 49407, 49407])
    }

    func testMissingVocabularyFileNamesThePath() {
        XCTAssertThrowsError(try CLIPTokenizer(bpeFile: "/nonexistent/bpe.txt.gz")) { e in
            XCTAssertTrue("\(e)".contains("/nonexistent/bpe.txt.gz"), "\(e)")
        }
    }
}
