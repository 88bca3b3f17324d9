import Foundation

/// BERT's WordPiece tokenizer, matching Hugging Face `BertTokenizer` (the `tokenizers`
/// pipeline) as all-MiniLM-L6-v2 configures it: lower-case, accents stripped, Chinese
/// characters split, `[CLS] ... [SEP]`, padded with `[PAD]` to `maxLength` (256, its
/// sentence-transformers `max_seq_length`).
///
/// Pipeline:
/// 1. Special tokens written literally (`[CLS]`, `[SEP]`, `[PAD]`, `[UNK]`, `[MASK]`) become
///    their ids.
/// 2. Clean: drop U+0000, U+FFFD and "other" code points (Cc, Cf, Co, Cs, Cn) except tab/newline/
///    return; every whitespace code point -> " ".
/// 3. Put spaces around CJK ideographs. 4. NFD and drop non-spacing marks (Mn). 5. Lower-case.
/// 6. Split on whitespace; every punctuation code point (ASCII punctuation or Unicode P*) is
///    its own word.
/// 7. WordPiece: a word longer than 100 code points is `[UNK]`; otherwise greedy
///    longest-match-first with `##` continuations, and a word with any unmatched remainder
///    becomes one `[UNK]`.
public final class WordPieceTokenizer: Sendable {
    public let maxLength: Int
    public let vocabulary: [String: Int]
    public let clsToken: Int, sepToken: Int, padToken: Int, unknownToken: Int
    private let specials: [(String, Int)]
    /// Words longer than this (in code points) are `[UNK]` (HF `max_input_chars_per_word`).
    public let maxCharactersPerWord = 100

    /// Reads `vocab.txt` (one token per line; the line number is the id).
    /// - Parameter maxLength: ids per text including `[CLS]` and `[SEP]`; content is truncated
    ///   to `maxLength - 2`.
    public init(vocabFile path: String, maxLength: Int = 256) throws {
        precondition(maxLength >= 2, "maxLength must leave room for [CLS] and [SEP]")
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw TokenizerError.unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        // Line i is token i; a later duplicate wins, as in HF's loaders.
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var vocab: [String: Int] = [:]
        for (id, line) in lines.enumerated() { vocab[String(line)] = id }
        func required(_ t: String) throws -> Int {
            guard let i = vocab[t] else { throw TokenizerError.malformed(path: path, reason: "no \(t) token") }
            return i
        }
        clsToken = try required("[CLS]"); sepToken = try required("[SEP]")
        padToken = try required("[PAD]"); unknownToken = try required("[UNK]")
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { t in vocab[t].map { (t, $0) } }
        vocabulary = vocab
        self.maxLength = maxLength
    }

    /// Content ids of `text` (no `[CLS]`/`[SEP]`, not truncated).
    public func encode(_ text: String) -> [Int] {
        var out: [Int] = []
        for segment in splitSpecialTokens(text, specials) {
            switch segment {
            case let .special(id): out.append(id)
            case let .text(t): for word in Self.words(Self.normalize(t)) { out += wordPiece(word) }
            }
        }
        return out
    }

    /// `[CLS]`, at most `maxLength - 2` content ids, `[SEP]`, then `[PAD]` to `maxLength`.
    public func tokenize(_ text: String) -> TokenizedText {
        let content = encode(text).prefix(maxLength - 2)
        return TokenizedText.wrap(Array(content), start: clsToken, end: sepToken, pad: padToken, length: maxLength)
    }

    /// `tokenize` for each text.
    public func tokenize(_ texts: [String]) -> [TokenizedText] { texts.map { tokenize($0) } }

    // MARK: WordPiece

    private func wordPiece(_ word: [Unicode.Scalar]) -> [Int] {
        guard word.count <= maxCharactersPerWord else { return [unknownToken] }
        var out: [Int] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int? = nil
            while start < end {
                var piece = String(String.UnicodeScalarView(word[start..<end]))
                if start > 0 { piece = "##" + piece }
                if let id = vocabulary[piece] { found = id; break }
                end -= 1
            }
            guard let id = found else { return [unknownToken] }
            out.append(id)
            start = end
        }
        return out
    }

    // MARK: Normalization and pre-tokenization (BertNormalizer, BertPreTokenizer)

    static func normalize(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if u.value == 0 || u.value == 0xFFFD || isOther(u) { continue }
            if isWhitespace(u) { cleaned.append(" "); continue }
            if isChineseCharacter(u) {
                cleaned.append(" "); cleaned.append(u); cleaned.append(" ")
            } else {
                cleaned.append(u)
            }
        }
        var out = String.UnicodeScalarView()
        for u in String(cleaned).decomposedStringWithCanonicalMapping.unicodeScalars
        where u.properties.generalCategory != .nonspacingMark {
            out.append(contentsOf: u.properties.lowercaseMapping.unicodeScalars)
        }
        return String(out)
    }

    static func words(_ text: String) -> [[Unicode.Scalar]] {
        var out: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for u in text.unicodeScalars {
            if isWhitespace(u) {
                if !current.isEmpty { out.append(current); current = [] }
            } else if isPunctuation(u) {
                if !current.isEmpty { out.append(current); current = [] }
                out.append([u])
            } else {
                current.append(u)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    static func isWhitespace(_ u: Unicode.Scalar) -> Bool {
        u == "\t" || u == "\n" || u == "\r" || u.properties.isWhitespace
    }

    /// Unicode "Other" (Cc, Cf, Co, Cs, Cn), except tab, newline and return (whitespace here).
    static func isOther(_ u: Unicode.Scalar) -> Bool {
        if u == "\t" || u == "\n" || u == "\r" { return false }
        switch u.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate, .unassigned: return true
        default: return false
        }
    }

    static func isPunctuation(_ u: Unicode.Scalar) -> Bool {
        if u.isASCII, (33...47).contains(u.value) || (58...64).contains(u.value) || (91...96).contains(u.value) || (123...126).contains(u.value) {
            return true
        }
        switch u.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    /// The CJK ideograph blocks BERT isolates (as the `tokenizers` crate lists them).
    static func isChineseCharacter(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }
}
