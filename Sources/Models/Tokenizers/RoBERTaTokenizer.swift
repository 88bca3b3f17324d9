import Foundation

/// RoBERTa's tokenizer as LAION-CLAP calls it (`RobertaTokenizer(text, padding="max_length",
/// truncation=True, max_length=77)`): byte-level BPE ids wrapped as `<s> ids </s>`, the content
/// truncated to `maxLength - 2` ids so `</s>` is kept, padded with `<pad>` to `maxLength`.
///
/// Special tokens (`<s>`, `<pad>`, `</s>`, `<unk>`, `<mask>`, those the vocabulary has) written
/// literally in a text are split out as their own ids, as Hugging Face does; `<mask>` also takes
/// the whitespace before it (its `lstrip`). The specials' ids come from `vocab.json` (roberta-base:
/// 0, 1, 2, 3, 50264).
public final class RoBERTaTokenizer: Sendable {
    public let bpe: ByteLevelBPETokenizer
    /// Ids per row after padding (77 in LAION-CLAP).
    public let maxLength: Int
    /// `<s>`, `</s>` and `<pad>` ids.
    public let start: Int, end: Int, pad: Int
    private let specials: [(String, Int)]
    private let maskID: Int?

    /// LAION-CLAP's length (`hook.py`: `max_length=77`).
    public static let laionMaxLength = 77

    /// Reads `vocab.json` and `merges.txt` from `directory`.
    public convenience init(directory: String, maxLength: Int = laionMaxLength) throws {
        let d = directory as NSString
        try self.init(vocabFile: d.appendingPathComponent("vocab.json"), mergesFile: d.appendingPathComponent("merges.txt"),
                      maxLength: maxLength)
    }

    public init(vocabFile: String, mergesFile: String, maxLength: Int = laionMaxLength) throws {
        precondition(maxLength >= 2, "a RoBERTa row holds at least <s> and </s>")
        let bpe = try ByteLevelBPETokenizer(vocabFile: vocabFile, mergesFile: mergesFile)
        func id(_ token: String) throws -> Int {
            guard let i = bpe.vocabulary[token] else {
                throw TokenizerError.malformed(path: vocabFile, reason: "no id for RoBERTa's special token '\(token)'")
            }
            return i
        }
        start = try id("<s>")
        end = try id("</s>")
        pad = try id("<pad>")
        specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"].compactMap { t in bpe.vocabulary[t].map { (t, $0) } }
        maskID = bpe.vocabulary["<mask>"]
        self.bpe = bpe
        self.maxLength = maxLength
    }

    /// Content ids of `text` (no `<s>`/`</s>` added, not truncated).
    public func encode(_ text: String) throws -> [Int] {
        var ids: [Int] = []
        var pieces = splitSpecialTokens(text, specials)
        for (i, piece) in pieces.enumerated() where i + 1 < pieces.count {
            // `<mask>` is declared with lstrip: the whitespace before it belongs to it.
            if case .special(let s) = pieces[i + 1], s == maskID, case .text(let t) = piece {
                pieces[i] = .text(String(t.reversed().drop(while: { $0.isWhitespace }).reversed()))
            }
        }
        for piece in pieces {
            switch piece {
            case .special(let s): ids.append(s)
            case .text(let t): ids += try bpe.encode(t)
            }
        }
        return ids
    }

    /// One padded row per text: `<s>`, at most `maxLength - 2` content ids, `</s>`, `<pad>`s.
    /// `endPosition` is the `</s>`.
    public func tokenize(_ texts: [String]) throws -> [TokenizedText] {
        try texts.map { text in
            TokenizedText.wrap(Array(try encode(text).prefix(maxLength - 2)), start: start, end: end, pad: pad, length: maxLength)
        }
    }
}
