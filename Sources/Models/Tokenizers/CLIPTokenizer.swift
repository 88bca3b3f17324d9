import Foundation

/// CLIP's byte-level BPE tokenizer, matching Hugging Face `CLIPTokenizer` for
/// `openai/clip-vit-base-patch16` as PENGI calls it (`max_length=40`, padded, truncated).
///
/// Pipeline (the `tokenizers` pipeline HF builds; OpenAI's `simple_tokenizer` without ftfy):
/// 1. `<|startoftext|>` / `<|endoftext|>` written literally in the text become their ids.
/// 2. Normalize: NFC, every run of whitespace -> one space, lower-case (per code point).
/// 3. Pre-tokenize with CLIP's pattern
///    `<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`
///    (whitespace dropped; note a single digit per piece).
/// 4. Each piece's UTF-8 bytes -> GPT-2's byte-to-unicode characters, `</w>` on the last one,
///    then BPE merges by rank.
/// 5. `[49406] + content[..<38] + [49407]`, padded to 40 with 49407.
///
/// Vocabulary (`bpe_simple_vocab_16e6.txt.gz`, shipped in `Resources/` with its MIT licence):
/// merges are its lines 1...48894; ids are the 256 byte characters in byte-to-unicode order,
/// the same with `</w>`, each merge's concatenation in order, then the two specials.
public final class CLIPTokenizer: Sendable {
    public static let startToken = 49406
    public static let endToken = 49407
    /// PENGI's text length.
    public static let pengiMaxLength = 40

    /// Total ids including start and end tokens (content is truncated to `maxLength - 2`).
    public let maxLength: Int
    /// Id of each byte's unicode character (`</w>`-less); `+ 256` gives the `</w>` form.
    private let byteIDs: [Int]
    /// Merge rank and result id of each (left id, right id) pair.
    private let merges: [Int64: (rank: Int32, result: Int32)]
    /// Vocabulary size (49408).
    public let vocabularySize: Int

    /// The tokenizer over the vocabulary shipped with palm. Built once per `maxLength` and
    /// shared (building it takes about a quarter of a second).
    public static func bundled(maxLength: Int = pengiMaxLength) throws -> CLIPTokenizer {
        try bundledCache.tokenizer(maxLength: maxLength) {
            guard let url = Bundle.module.url(forResource: "bpe_simple_vocab_16e6.txt", withExtension: "gz", subdirectory: "Resources") else {
                throw TokenizerError.unreadable(path: "Resources/bpe_simple_vocab_16e6.txt.gz", reason: "missing from the Models resource bundle")
            }
            return try CLIPTokenizer(bpeFile: url.path, maxLength: maxLength)
        }
    }

    private static let bundledCache = BundledCache()

    /// Tokenizers by length, behind a lock (immutable once built, so sharing them is safe).
    private final class BundledCache: @unchecked Sendable {
        private let lock = NSLock()
        private var built: [Int: CLIPTokenizer] = [:]

        func tokenizer(maxLength: Int, _ make: () throws -> CLIPTokenizer) throws -> CLIPTokenizer {
            lock.lock()
            defer { lock.unlock() }
            if let t = built[maxLength] { return t }
            let t = try make()
            built[maxLength] = t
            return t
        }
    }

    /// Builds the vocabulary from a `bpe_simple_vocab_16e6.txt.gz` (gzip) or plain-text copy.
    public init(bpeFile path: String, maxLength: Int = pengiMaxLength) throws {
        precondition(maxLength >= 2, "maxLength must leave room for the start and end tokens")
        self.maxLength = maxLength
        let raw: [UInt8] = path.hasSuffix(".gz") ? try GzipFile.read(path)
            : try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        // Symbols are keyed by their UTF-8 bytes: byte-exact, and much cheaper to hash than
        // String (no Unicode normalization) for 50k entries.
        var vocab: [[UInt8]: Int] = [:]
        vocab.reserveCapacity(49408)
        var count = 0
        func add(_ s: [UInt8]) { vocab[s] = count; count += 1 }
        let byteChars = Self.byteToUnicodeOrder.map { Array(String($0.1).utf8) }
        let endOfWord = Array("</w>".utf8)
        for c in byteChars { add(c) }
        for c in byteChars { add(c + endOfWord) }
        var ids = [Int](repeating: 0, count: 256)
        for (i, (byte, _)) in Self.byteToUnicodeOrder.enumerated() { ids[Int(byte)] = i }
        byteIDs = ids

        let mergeCount = 49152 - 256 - 2
        var table: [Int64: (rank: Int32, result: Int32)] = [:]
        table.reserveCapacity(mergeCount)
        var lineStart = (raw.firstIndex(of: 0x0A) ?? raw.count) + 1  // line 0 is a header
        for rank in 0..<mergeCount {
            guard lineStart < raw.count else {
                throw TokenizerError.malformed(path: path, reason: "\(rank + 1) lines; CLIP's BPE file has at least \(mergeCount + 1)")
            }
            let lineEnd = raw[lineStart...].firstIndex(of: 0x0A) ?? raw.count
            let line = raw[lineStart..<lineEnd]
            lineStart = lineEnd + 1
            guard let space = line.firstIndex(of: 0x20), let l = vocab[Array(line[..<space])],
                  let r = vocab[Array(line[(space + 1)...])] else {
                throw TokenizerError.malformed(path: path, reason: "merge line \(rank + 1) '\(String(decoding: line, as: UTF8.self))' is not two known symbols")
            }
            let merged = Array(line[..<space]) + Array(line[(space + 1)...])
            add(merged)
            table[Int64(l) << 32 | Int64(r)] = (Int32(rank), Int32(vocab[merged]!))
        }
        add(Array("<|startoftext|>".utf8))
        add(Array("<|endoftext|>".utf8))
        precondition(count == Self.endToken + 1)
        vocabularySize = count
        merges = table
    }

    /// Content ids of `text` (no start/end tokens, not truncated).
    public func encode(_ text: String) -> [Int] {
        var out: [Int] = []
        for segment in splitSpecialTokens(text, [("<|startoftext|>", Self.startToken), ("<|endoftext|>", Self.endToken)]) {
            switch segment {
            case let .special(id): out.append(id)
            case let .text(t):
                for piece in Self.pieces(Self.normalize(t)) { out += bpe(Array(String(piece).utf8)) }
            }
        }
        return out
    }

    /// `text` as the model consumes it: start, at most `maxLength - 2` content ids, end, padding
    /// with the end token. `endPosition` is the first end token (PENGI's `argmax(input_ids)`).
    public func tokenize(_ text: String) -> TokenizedText {
        let content = encode(text).prefix(maxLength - 2)
        return TokenizedText.wrap(Array(content), start: Self.startToken, end: Self.endToken, pad: Self.endToken, length: maxLength, firstEnd: true)
    }

    /// `tokenize` for each text.
    public func tokenize(_ texts: [String]) -> [TokenizedText] { texts.map { tokenize($0) } }

    // MARK: BPE

    /// Merges the byte symbols of one piece, always the lowest-ranked adjacent pair first, every
    /// occurrence of it left to right (OpenAI's `bpe`; HF's priority queue gives the same ids).
    private func bpe(_ bytes: [UInt8]) -> [Int] {
        guard !bytes.isEmpty else { return [] }
        var word = bytes.map { byteIDs[Int($0)] }
        word[word.count - 1] += 256  // the `</w>` form of the last character
        while word.count > 1 {
            var best: (rank: Int32, result: Int32)? = nil
            var left = 0, right = 0
            for i in 0..<(word.count - 1) {
                if let m = merges[Int64(word[i]) << 32 | Int64(word[i + 1])], best == nil || m.rank < best!.rank {
                    best = m; left = word[i]; right = word[i + 1]
                }
            }
            guard let merge = best else { break }
            var next: [Int] = []
            next.reserveCapacity(word.count)
            var i = 0
            while i < word.count {
                if i + 1 < word.count, word[i] == left, word[i + 1] == right {
                    next.append(Int(merge.result)); i += 2
                } else {
                    next.append(word[i]); i += 1
                }
            }
            word = next
        }
        return word
    }

    // MARK: Normalization and pre-tokenization

    /// NFC, whitespace runs -> " ", then lower-case code point by code point (as the
    /// `tokenizers` Lowercase normalizer does: no context-dependent final sigma).
    static func normalize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var inSpace = false
        for u in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            if u.properties.isWhitespace {
                if !inSpace { out.append(" ") }
                inSpace = true
                continue
            }
            inSpace = false
            out.append(contentsOf: u.properties.lowercaseMapping.unicodeScalars)
        }
        return String(out)
    }

    /// CLIP's pre-tokenizer pattern, alternatives tried in order at each position.
    static func pieces(_ text: String) -> [Substring.UnicodeScalarView] {
        let s = text.unicodeScalars
        var out: [Substring.UnicodeScalarView] = []
        var i = s.startIndex
        func starts(_ literal: String, at j: String.UnicodeScalarView.Index) -> String.UnicodeScalarView.Index? {
            var k = j
            for c in literal.unicodeScalars {
                guard k < s.endIndex, s[k] == c else { return nil }
                k = s.index(after: k)
            }
            return k
        }
        while i < s.endIndex {
            let u = s[i]
            if u.properties.isWhitespace { i = s.index(after: i); continue }
            var end: String.UnicodeScalarView.Index? = nil
            for literal in ["<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"] {
                if let e = starts(literal, at: i) { end = e; break }
            }
            if end == nil {
                var j = s.index(after: i)
                if isLetter(u) {
                    while j < s.endIndex, isLetter(s[j]) { j = s.index(after: j) }
                } else if !isNumber(u) {
                    while j < s.endIndex, !isLetter(s[j]), !isNumber(s[j]), !s[j].properties.isWhitespace { j = s.index(after: j) }
                }
                end = j
            }
            out.append(s[i..<end!])
            i = end!
        }
        return out
    }

    static func isLetter(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// GPT-2's `bytes_to_unicode`, in its order: printable Latin-1 bytes map to themselves,
    /// the others (controls, space, 0x7F-0xA0, 0xAD) to U+0100 onwards. Byte-level BPE thus
    /// never sees whitespace or control characters inside a symbol.
    static let byteToUnicodeOrder: [(UInt8, Unicode.Scalar)] = {
        var printable = Array(UInt8(ascii: "!")...UInt8(ascii: "~")) + Array(UInt8(0xA1)...UInt8(0xAC)) + Array(UInt8(0xAE)...UInt8(0xFF))
        var out = printable.map { ($0, Unicode.Scalar($0)) }
        var n: UInt32 = 0
        for b in 0...255 where !printable.contains(UInt8(b)) {
            out.append((UInt8(b), Unicode.Scalar(256 + n)!))
            printable.append(UInt8(b))
            n += 1
        }
        return out
    }()
}
