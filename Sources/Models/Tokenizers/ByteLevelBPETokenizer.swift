import Foundation

/// GPT-2's byte-level BPE, the text scheme of GPT-2 and RoBERTa (MS-CLAP 2023's and
/// LAION-CLAP's text towers), read from the standard `vocab.json` + `merges.txt`.
///
/// Pipeline (as GPT-2's encoder):
/// 1. Pre-tokenize with GPT-2's pattern
///    `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
///    (a piece keeps the one space before it; no lower-casing, no normalisation).
/// 2. Each piece's UTF-8 bytes -> GPT-2's byte-to-unicode characters.
/// 3. Merge adjacent symbols by the rank of their pair in `merges.txt`, lowest first, until no
///    pair is ranked; each symbol's id from `vocab.json`.
/// No special tokens are added (models add their own, e.g. RoBERTa's `<s>` and `</s>`).
public final class ByteLevelBPETokenizer: Sendable {
    /// Token text -> id.
    public let vocabulary: [String: Int]
    /// "left right" -> rank.
    private let ranks: [String: Int]
    private let pattern: NSRegularExpression

    /// Reads `vocab.json` (a JSON object of token -> id) and `merges.txt` (one `left right`
    /// pair per line, best first, after an optional `#version` line).
    public init(vocabFile: String, mergesFile: String) throws {
        let vocabData: Data
        do { vocabData = try Data(contentsOf: URL(fileURLWithPath: vocabFile)) } catch {
            throw TokenizerError.unreadable(path: vocabFile, reason: "\(error.localizedDescription)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: vocabData) as? [String: Any] else {
            throw TokenizerError.malformed(path: vocabFile, reason: "not a JSON object of token -> id")
        }
        var vocabulary: [String: Int] = [:]
        for (token, id) in object {
            guard let id = id as? Int else { throw TokenizerError.malformed(path: vocabFile, reason: "the id of '\(token)' is not an integer") }
            vocabulary[token] = id
        }
        let mergesText: String
        do { mergesText = try String(contentsOfFile: mergesFile, encoding: .utf8) } catch {
            throw TokenizerError.unreadable(path: mergesFile, reason: "\(error.localizedDescription)")
        }
        var ranks: [String: Int] = [:]
        for (n, line) in mergesText.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || (n == 0 && line.hasPrefix("#version")) { continue }
            let parts = line.split(separator: " ")
            guard parts.count == 2 else {
                throw TokenizerError.malformed(path: mergesFile, reason: "line \(n + 1): expected two symbols separated by one space")
            }
            if ranks[String(line)] == nil { ranks[String(line)] = ranks.count }
        }
        self.vocabulary = vocabulary
        self.ranks = ranks
        pattern = try NSRegularExpression(pattern: #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#)
    }

    /// GPT-2's reversible map of the 256 bytes to printable characters: printable Latin-1 bytes
    /// map to themselves, the others to U+0100 onwards in byte order.
    static let byteCharacters: [String] = {
        let kept = Array(33...126) + Array(161...172) + Array(174...255)
        var map = [Int](repeating: 0, count: 256)
        for b in kept { map[b] = b }
        var next = 256
        for b in 0..<256 where !kept.contains(b) {
            map[b] = next
            next += 1
        }
        return map.map { String(Character(Unicode.Scalar($0)!)) }
    }()

    /// Token ids of `text` (no special tokens).
    /// - Throws: when a symbol is missing from the vocabulary (a vocabulary without the 256
    ///   byte characters is not a byte-level one).
    public func encode(_ text: String) throws -> [Int] {
        var ids: [Int] = []
        let ns = text as NSString
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let piece = ns.substring(with: match.range)
            for symbol in merge(piece.utf8.map { Self.byteCharacters[Int($0)] }) {
                guard let id = vocabulary[symbol] else {
                    throw TokenizerError.malformed(path: "vocab.json", reason: "no id for the symbol '\(symbol)' (not a byte-level vocabulary)")
                }
                ids.append(id)
            }
        }
        return ids
    }

    /// Merges adjacent symbols by rank, lowest first, every occurrence of the best pair at once.
    private func merge(_ start: [String]) -> [String] {
        var word = start
        while word.count > 1 {
            var best: (rank: Int, left: String, right: String)?
            for i in 0..<(word.count - 1) {
                if let r = ranks[word[i] + " " + word[i + 1]], r < (best?.rank ?? .max) { best = (r, word[i], word[i + 1]) }
            }
            guard let best else { break }
            var merged: [String] = []
            merged.reserveCapacity(word.count)
            var i = 0
            while i < word.count {
                if i + 1 < word.count, word[i] == best.left, word[i + 1] == best.right {
                    merged.append(best.left + best.right)
                    i += 2
                } else {
                    merged.append(word[i])
                    i += 1
                }
            }
            word = merged
        }
        return word
    }
}
