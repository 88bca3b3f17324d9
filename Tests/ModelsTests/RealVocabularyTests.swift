import Foundation
import Models
import TestSupport
import XCTest

/// palm's tokenizers on the real vocabularies of the CLAP text towers (GPT-2, RoBERTa-base,
/// bert-base-uncased; `Scripts/setup --tokenizers` writes them, sha256-checked) against
/// transformers' tokenizers on the same files (`Scripts/fixtures/real_tokenizers.py`). Skips,
/// saying so, when the files are missing.
final class RealVocabularyTests: XCTestCase {
    struct Expected: Decodable {
        let texts: [String]
        let gpt2: [[Int]], roberta: [[Int]], bert: [[Int]]
        /// MS-CLAP 2023's ids (" <|endoftext|>" appended, '!' a special pad) and LAION-CLAP's (<s> ... </s>).
        let msclap2023: [[Int]], roberta_specials: [[Int]]
    }

    func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Fixtures.root.appendingPathComponent("tokenizers/real.json")))
    }

    func folder(_ v: TokenizerFiles.Vocabulary) throws -> String {
        guard let dir = TokenizerFiles.locate(v) else {
            throw XCTSkip("no \(v.name) tokenizer files (run Scripts/setup --tokenizers); looked in \(TokenizerFiles.candidates(v).joined(separator: ", "))")
        }
        return dir
    }

    func testGPT2AndRoBERTaByteLevelBPE() throws {
        let e = try expected()
        for (v, ids) in [(TokenizerFiles.Vocabulary.gpt2, e.gpt2), (.robertaBase, e.roberta)] {
            let dir = try folder(v)
            let tokenizer = try ByteLevelBPETokenizer(vocabFile: dir + "/vocab.json", mergesFile: dir + "/merges.txt")
            for (text, want) in zip(e.texts, ids) { XCTAssertEqual(try tokenizer.encode(text), want, "\(v.name): \(text.debugDescription)") }
            print("\(v.name): \(e.texts.count) texts, every id equal to transformers'")
        }
    }

    /// The CLAP families' own tokenizers on the real files: MS-CLAP 2023's suffix and '!'
    /// handling over GPT-2's vocabulary, LAION-CLAP's RoBERTa specials.
    func testMSCLAP2023AndLAIONCLAPTokenizers() throws {
        let e = try expected()
        let msclap = try MSCLAP2023Tokenizer(folder: try folder(.gpt2))
        for (text, want) in zip(e.texts, e.msclap2023) {
            let t = try msclap.encode(text)
            XCTAssertEqual(Array(t.ids.prefix(t.attentionMask.reduce(0, +))), want, "msclap-2023: \(text.debugDescription)")
        }
        let roberta = try RoBERTaTokenizer(directory: try folder(.robertaBase))
        for (text, want) in zip(e.texts, e.roberta_specials) {
            let t = try roberta.tokenize([text])[0]
            XCTAssertEqual(Array(t.ids.prefix(t.attentionMask.reduce(0, +))), want, "laion-clap: \(text.debugDescription)")
        }
        print("msclap-2023 and laion-clap tokenizers: \(e.texts.count) texts on the real vocabularies, every id equal to transformers'")
    }

    func testBERTWordPiece() throws {
        let e = try expected()
        let dir = try folder(.bertBaseUncased)
        let tokenizer = try WordPieceTokenizer(vocabFile: dir + "/vocab.txt")
        for (text, want) in zip(e.texts, e.bert) {
            let t = tokenizer.tokenize(text)  // [CLS] ... [SEP], then padding
            XCTAssertEqual(Array(t.ids.prefix(t.attentionMask.reduce(0, +))), want, text.debugDescription)
        }
        print("bert-base-uncased: \(e.texts.count) texts, every id equal to transformers' BertTokenizer")
    }

    func testAMissingFolderSaysWhereToGetTheFiles() throws {
        let dir = try TemporaryDirectory("palm-tok")
        XCTAssertThrowsError(try TokenizerFiles.folder(dir.path, for: .gpt2, model: "msclap-2023")) {
            XCTAssertTrue("\($0)".contains("vocab.json") && "\($0)".contains("msclap-2023"), "\($0)")
        }
    }
}
