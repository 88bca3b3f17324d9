import Foundation

/// One case of a tokenizer golden file (`Scripts/fixtures/clip_bpe_tokenizers.py`).
struct TokenizerGoldenCase: Decodable {
    let text: String
    let ids: [Int]
    /// Absent when `ids` are stored without padding (minilm.json).
    let attention_mask: [Int]?
    let untruncated: [Int]?
    let ids16: [Int]?
}

struct TokenizerGolden: Decodable {
    let tokenizer: String
    let max_length: Int
    let pad_id: Int?
    let cases: [TokenizerGoldenCase]

    /// `ids` padded with `pad` to `length`, and the matching attention mask.
    static func padded(_ ids: [Int], pad: Int, length: Int) -> (ids: [Int], mask: [Int]) {
        (ids + Array(repeating: pad, count: length - ids.count),
         Array(repeating: 1, count: ids.count) + Array(repeating: 0, count: length - ids.count))
    }

    static func load(_ name: String) throws -> TokenizerGolden {
        let data = try Data(contentsOf: URL(fileURLWithPath: ModelsFixtures.path("tokenizers/\(name)")))
        return try JSONDecoder().decode(TokenizerGolden.self, from: data)
    }
}
