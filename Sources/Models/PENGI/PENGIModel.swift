import Tensor

/// PENGI as an `AudioLanguageModel` for the prompt learners: the encoders plus a tokenizer.
///
/// The tokenizer is passed in (PENGI uses the CLIP BPE tokenizer with max length 40, padding
/// with EOS, truncating to 38 content tokens) so this type does not depend on how it is loaded.
/// Text features are pooled at the tokenizer's `eosPositions`, which for CLIP ids equal PENGI's
/// `argmax(input_ids)`.
public final class PENGIModel: AudioLanguageModel, @unchecked Sendable {
    public let encoders: PENGIEncoders
    public let name: String
    public let fingerprint: String
    private let tokenizer: ([String]) throws -> TokenizedText

    /// - Parameters:
    ///   - fingerprint: identifies the weights (feature caches key on it), e.g. a checkpoint hash.
    ///   - tokenize: prompts -> padded ids, EOS positions and lengths.
    public init(encoders: PENGIEncoders, name: String = "pengi", fingerprint: String,
                tokenize: @escaping ([String]) throws -> TokenizedText) {
        self.encoders = encoders
        self.name = name
        self.fingerprint = fingerprint
        tokenizer = tokenize
    }

    public var dimension: Int { encoders.embeddingDim }
    public var tokenWidth: Int { encoders.config.text.width }

    public func tokenize(_ texts: [String]) throws -> TokenizedText { try tokenizer(texts) }

    /// Frozen text embeddings `[n, d]` (no tape).
    public func embedText(_ texts: [String]) throws -> Tensor {
        let tokens = try tokenize(texts)
        return try GradMode.withoutGrad {
            try encoders.textFeatures(tokenEmbeddings: encoders.tokenEmbeddings(ids: tokens.ids), eosPositions: tokens.eosPositions)
        }
    }

    public func tokenEmbeddings(_ tokens: TokenizedText) throws -> Tensor {
        try encoders.tokenEmbeddings(ids: tokens.ids)
    }

    public func textFeatures(tokenEmbeddings: Tensor, tokens: TokenizedText) throws -> Tensor {
        try encoders.textFeatures(tokenEmbeddings: tokenEmbeddings, eosPositions: tokens.eosPositions)
    }

    /// Frozen audio embeddings `[B, d]` from log-mels `[B, 1, T, 64]` (see `PENGIEncoders.embedAudio`).
    public func embedAudio(logMel: Tensor) throws -> Tensor {
        try encoders.embedAudio(logMel: logMel)
    }
}
