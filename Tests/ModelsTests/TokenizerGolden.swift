import Foundation

/// One case of a tokenizer golden file (`Scripts/fixtures/tokenizers.py`).
struct TokenizerGoldenCase: Decodable {
    let text: String
    let ids: [Int]
    let attention_mask: [Int]
    let untruncated: [Int]?
    let ids16: [Int]?
    let attention_mask16: [Int]?
}

struct TokenizerGolden: Decodable {
    let tokenizer: String
    let max_length: Int
    let cases: [TokenizerGoldenCase]

    static func load(_ name: String) throws -> TokenizerGolden {
        let data = try Data(contentsOf: URL(fileURLWithPath: ModelsFixtures.path("tokenizers/\(name)")))
        return try JSONDecoder().decode(TokenizerGolden.self, from: data)
    }
}
