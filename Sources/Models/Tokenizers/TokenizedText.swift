/// Token ids of one text, padded to the tokenizer's fixed length, as a model consumes them.
public struct TokenizedText: Sendable, Equatable {
    /// `[start] content... [end] pad...`, exactly `maxLength` ids.
    public let ids: [Int]
    /// 1 for the start token, content and end token; 0 for padding.
    public let attentionMask: [Int]
    /// Index of the end token, where CLIP pools its text feature. For CLIP this is the *first*
    /// `<|endoftext|>` id (PENGI pools at `argmax(input_ids)`), which is the appended end token
    /// (content count + 1) unless the text itself spelled `<|endoftext|>`. For BERT it is the
    /// appended `[SEP]`. For MS-CLAP 2023 it is the count of ids that are not 0, minus 1 (its
    /// pad '!' has id 0, so a '!' in the text moves it too; see `MSCLAP2023Tokenizer`).
    public let endPosition: Int

    public init(ids: [Int], attentionMask: [Int], endPosition: Int) {
        self.ids = ids
        self.attentionMask = attentionMask
        self.endPosition = endPosition
    }

    /// Wraps `content` (already truncated) with the special tokens and pads it to `length`.
    /// `firstEnd` makes `endPosition` the first `end` id instead of the appended one.
    static func wrap(_ content: [Int], start: Int, end: Int, pad: Int, length: Int, firstEnd: Bool = false) -> TokenizedText {
        var ids = [start] + content + [end]
        let used = ids.count
        ids += Array(repeating: pad, count: length - used)
        return TokenizedText(ids: ids, attentionMask: Array(repeating: 1, count: used) + Array(repeating: 0, count: length - used),
                             endPosition: firstEnd ? ids.firstIndex(of: end)! : used - 1)
    }
}

/// Splits `text` around literal occurrences of `specials` (tried longest first), as Hugging
/// Face tokenizers extract added tokens from the raw text before normalizing the rest.
/// Returns segments: `.text` to tokenize, `.special(id)` for a special token.
func splitSpecialTokens(_ text: String, _ specials: [(String, Int)]) -> [SpecialSplit] {
    let scalars = Array(text.unicodeScalars)
    let patterns = specials.sorted { $0.0.unicodeScalars.count > $1.0.unicodeScalars.count }
        .map { (Array($0.0.unicodeScalars), $0.1) }
    var out: [SpecialSplit] = []
    var plain = String.UnicodeScalarView()
    var i = 0
    scan: while i < scalars.count {
        for (p, id) in patterns where scalars.count - i >= p.count && scalars[i] == p[0] && Array(scalars[i..<(i + p.count)]) == p {
            if !plain.isEmpty { out.append(.text(String(plain))); plain = String.UnicodeScalarView() }
            out.append(.special(id))
            i += p.count
            continue scan
        }
        plain.append(scalars[i])
        i += 1
    }
    if !plain.isEmpty { out.append(.text(String(plain))) }
    return out
}

enum SpecialSplit: Equatable {
    case text(String)
    case special(Int)
}
