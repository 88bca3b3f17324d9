import Audio
import Tensor

/// A batch of prompts tokenized for a model's text tower: ids padded to a common length, where
/// each sequence ends (the pooled position for CLIP-style towers) and how many tokens are real.
public struct TokenBatch: Sendable, Equatable {
    /// `[n][length]` token ids, padded.
    public var ids: [[Int]]
    /// Index of the pooled token per sequence (CLIP: the first EOS).
    public var eosPositions: [Int]
    /// Number of non-padding tokens per sequence (attention mask = first `lengths[i]` ones).
    public var lengths: [Int]
    /// Special tokens before a prompt's words: 1 for towers with a start token (CLIP's SOS,
    /// BERT's [CLS], RoBERTa's <s>), 0 for GPT-2. CoOp's context vectors start here.
    public var leadingSpecials: Int
    /// Non-word tokens after a prompt's words, counted in `lengths` (1: EOS or [SEP]; MS-CLAP
    /// 2023 appends " <|endoftext|>", which is 2).
    public var trailingSpecials: Int

    public init(ids: [[Int]], eosPositions: [Int], lengths: [Int], leadingSpecials: Int = 1, trailingSpecials: Int = 1) {
        self.ids = ids; self.eosPositions = eosPositions; self.lengths = lengths
        self.leadingSpecials = leadingSpecials; self.trailingSpecials = trailingSpecials
    }

    /// Word tokens of sequence `i` (its length without the specials).
    public func wordCount(_ i: Int) -> Int { lengths[i] - leadingSpecials - trailingSpecials }

    /// Padded sequence length.
    public var length: Int { ids.first?.count ?? 0 }

    /// The batch repeated `g` times (`g` groups of the same prompts, e.g. one per sample).
    public func repeated(_ g: Int) -> TokenBatch {
        if g == 1 { return self }
        return TokenBatch(ids: Array(repeating: ids, count: g).flatMap { $0 },
                          eosPositions: Array(repeating: eosPositions, count: g).flatMap { $0 },
                          lengths: Array(repeating: lengths, count: g).flatMap { $0 },
                          leadingSpecials: leadingSpecials, trailingSpecials: trailingSpecials)
    }
}

/// What prompt learners need from an audio-language model. PENGI and the demo model conform;
/// learners written against this protocol work with any later ALM.
///
/// All embeddings are *unnormalised* projections into the joint space; learners normalise.
public protocol AudioLanguageModel: AnyObject {
    /// A short name for tables ("pengi", "demo").
    var name: String { get }
    /// Identifies the weights (feature caches key on it).
    var fingerprint: String { get }
    /// Joint embedding dimension `d`.
    var dimension: Int { get }
    /// Width of the text tower's token embeddings (CoOp's context vectors live there).
    var tokenWidth: Int { get }

    /// Everything between an audio file and the audio encoder's input.
    var preprocessing: PreprocessingConfig { get }
    /// Frozen audio embeddings of files, one `[d]` result per path in order; a file that cannot
    /// be decoded is a failure in its slot and the rest go on.
    func embedAudio(paths: [String]) throws -> [Result<[Float], Error>]

    /// Frozen text embeddings `[n, d]` (no tape).
    func embedText(_ texts: [String]) throws -> Tensor
    /// Tokenizes prompts for the token-level entry.
    func tokenize(_ texts: [String]) throws -> TokenBatch
    /// Frozen token embeddings `[n, T, tokenWidth]` of tokenized prompts (before positions).
    func tokenEmbeddings(_ tokens: TokenBatch) throws -> Tensor
    /// Text embeddings `[n, d]` from token embeddings, recorded on the tape so gradients reach
    /// learned context vectors. `tokens` gives the pooled positions and lengths.
    func textFeatures(tokenEmbeddings: Tensor, tokens: TokenBatch) throws -> Tensor
    /// Text embeddings `[G * c, d]` of prompts whose first positions are shared within each of
    /// `G` groups: `sharedPrefix [G, P, w]`, `suffix [c, S, w]` (the rest of each of c prompts,
    /// the same in every group), `tokens` the c prompts over their `P + S` positions. Row
    /// `g * c + i` is prompt `concat(sharedPrefix[g], suffix[i])`. On the tape. Default: the
    /// joined prompts through `textFeatures(tokenEmbeddings:tokens:)`; causal text towers run
    /// the shared positions once per group instead.
    func textFeatures(sharedPrefix: Tensor, suffix: Tensor, tokens: TokenBatch) throws -> Tensor
    /// The same model (same weights, shared) reading audio through `preprocessing`: a
    /// perturbed front-end for robustness studies. Its feature cache is its own, since the
    /// preprocessing fingerprint differs. Default: an error naming the model.
    func withPreprocessing(_ preprocessing: PreprocessingConfig) throws -> AudioLanguageModel
}

extension AudioLanguageModel {
    public func textFeatures(sharedPrefix: Tensor, suffix: Tensor, tokens: TokenBatch) throws -> Tensor {
        try textFeatures(tokenEmbeddings: Tensor.joinedPrompts(sharedPrefix: sharedPrefix, suffix: suffix), tokens: tokens.repeated(sharedPrefix.shape[0]))
    }

    public func withPreprocessing(_ preprocessing: PreprocessingConfig) throws -> AudioLanguageModel {
        throw CheckpointError.unreadable(path: name, reason: "\(name) cannot read audio through another front-end")
    }
}

extension Tensor {
    /// Whole prompts `[G * c, P + S, w]` from each group's shared first positions
    /// `sharedPrefix [G, P, w]` and the c prompts' rest `suffix [c, S, w]`; row `g * c + i` is
    /// `concat(sharedPrefix[g], suffix[i])`.
    public static func joinedPrompts(sharedPrefix: Tensor, suffix: Tensor) throws -> Tensor {
        let g = sharedPrefix.shape[0], p = sharedPrefix.shape[1], c = suffix.shape[0], s = suffix.shape[1], w = suffix.shape[2]
        return try Tensor.concat([sharedPrefix.unsqueeze(1).expand([g, c, p, w]), suffix.unsqueeze(0).expand([g, c, s, w])], axis: 2)
            .reshape([g * c, p + s, w])
    }
}
