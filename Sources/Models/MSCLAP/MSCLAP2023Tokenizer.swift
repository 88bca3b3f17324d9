import Foundation

// MS-CLAP 2023's text preprocessing (msclap `CLAPWrapper.preprocess_text` with the GPT-2
// tokenizer as `load_clap` sets it up):
//   tokenizer = AutoTokenizer.from_pretrained('gpt2'); tokenizer.add_special_tokens({'pad_token': '!'})
//   ids = tokenizer.encode_plus(text + ' <|endoftext|>', max_length=77, padding='max_length')
// and the text tower's pooling (`models/clap.py` `TextEncoder`):
//   pooled = (input_ids != 0).sum(-1) - 1
// What that does, reproduced here:
// * '<|endoftext|>' and '!' are special tokens, cut out of the text before byte-level BPE (so
//   '!!' is two '!' tokens and ' !' is 'Ġ' + '!', never GPT-2's merged pieces). The space of the
//   suffix stays with the text before it and becomes its own token ('Ġ', 220 in GPT-2): a text
//   ends in [..., 'Ġ', '<|endoftext|>'], two tokens after the words.
// * Padding is '!' (id 0 in GPT-2) up to 77 tokens. Nothing truncates: `max_length` without
//   `truncation` only pads, so a longer text keeps all its tokens (the reference then runs
//   GPT-2 over them; it only fails to batch texts of different lengths, which palm pads).
// * The pooled position counts the ids that are not 0, so every '!' in the text also moves it
//   one token earlier: "a siren!" is pooled at the 'Ġ' before '<|endoftext|>', not at it. This
//   is the reference's behaviour with its released weights, and palm keeps it.

/// MS-CLAP 2023's tokenizer: GPT-2's byte-level BPE with the wrapper's suffix, '!' padding and
/// pooled position (see above).
public struct MSCLAP2023Tokenizer: Sendable {
    public let bpe: ByteLevelBPETokenizer
    /// Id of '<|endoftext|>'.
    public let endOfText: Int
    /// Id of '!', the padding token.
    public let pad: Int
    /// The folder the files came from (for messages).
    public let folder: String

    /// `text_len` of config_2023.yml: texts are padded to at least this many tokens.
    public static let length = 77
    /// Appended to every text before tokenizing.
    public static let suffix = " <|endoftext|>"
    /// Tokens after a text's words: 'Ġ' (the suffix's space) and '<|endoftext|>'.
    public static let trailingSpecials = 2

    /// Reads `vocab.json` + `merges.txt` from `folder`; both '!' and '<|endoftext|>' must be in
    /// the vocabulary.
    public init(folder: String) throws {
        bpe = try ByteLevelBPETokenizer(vocabFile: folder + "/vocab.json", mergesFile: folder + "/merges.txt")
        guard let eot = bpe.vocabulary["<|endoftext|>"], let pad = bpe.vocabulary["!"] else {
            throw TokenizerError.malformed(path: folder + "/vocab.json", reason: "MS-CLAP 2023 needs '<|endoftext|>' and '!' in GPT-2's vocabulary")
        }
        endOfText = eot
        self.pad = pad
        self.folder = folder
    }

    /// The bundled small byte-level vocabulary of `msclap-2023-random:tiny` (401 tokens, '!' = 0,
    /// '<|endoftext|>' = 400; trained by `Scripts/fixtures/msclap2023.py`).
    public static func bundledTiny() throws -> MSCLAP2023Tokenizer {
        guard let url = Bundle.module.url(forResource: "vocab", withExtension: "json", subdirectory: "Resources/gpt2-tiny-bpe") else {
            throw TokenizerError.unreadable(path: "Resources/gpt2-tiny-bpe/vocab.json", reason: "not found in the Models bundle")
        }
        return try MSCLAP2023Tokenizer(folder: url.deletingLastPathComponent().path)
    }

    /// One text as the reference feeds it: ids padded with '!' to at least 77, the attention
    /// mask, and the pooled position (count of ids != 0, minus 1; -1 wraps to the last
    /// position, as Python indexing does).
    public func encode(_ text: String) throws -> TokenizedText {
        var ids: [Int] = []
        for segment in splitSpecialTokens(text + Self.suffix, [("<|endoftext|>", endOfText), ("!", pad)]) {
            switch segment {
            case .special(let id): ids.append(id)
            case .text(let s): ids += try bpe.encode(s)
            }
        }
        let used = ids.count, length = max(Self.length, used)
        ids += Array(repeating: pad, count: length - used)
        let nonZero = ids.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        return TokenizedText(ids: ids, attentionMask: Array(repeating: 1, count: used) + Array(repeating: 0, count: length - used),
                             endPosition: nonZero > 0 ? nonZero - 1 : length - 1)
    }

    /// Texts as one batch for the GPT-2 tower: rows padded to a common length, cut after the
    /// longest real row; no leading special, two trailing ones, pooled positions as `encode`.
    public func tokenize(_ texts: [String]) throws -> TokenBatch {
        var rows = try texts.map(encode)
        let width = rows.map(\.ids.count).max() ?? 0
        rows = rows.map { r in
            TokenizedText(ids: r.ids + Array(repeating: pad, count: width - r.ids.count),
                          attentionMask: r.attentionMask + Array(repeating: 0, count: width - r.ids.count),
                          endPosition: r.endPosition)
        }
        var batch = TokenBatch(batch: rows)
        batch.leadingSpecials = 0
        batch.trailingSpecials = Self.trailingSpecials
        return batch
    }
}
