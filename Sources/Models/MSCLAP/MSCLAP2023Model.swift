import Audio
import Foundation
import Tensor

// MS-CLAP 2023 (msclap 1.3.4, `CLAPWrapper(version='2023')`): the HTSAT audio tower PENGI also
// uses, GPT-2 as the text tower pooled at the last non-zero id, and a `Projection` into the
// 1024-d joint space on each side (msclap `models/clap.py`).
//
// Key layout of `CLAP_weights_2023.pth` (`{'model': state_dict}`; a bare state dict and a
// `module.` prefix are accepted too):
//   audio_encoder.base.htsat.*        HTSAT (same keys and sizes as PENGI's)
//   audio_encoder.projection.*        Projection 768 -> 1024
//   caption_encoder.base.*            GPT2Model (wte, wpe, h.i.*, ln_f)
//   caption_encoder.projection.*      Projection 768 -> 1024
//   logit_scale                       not needed for embeddings (read, not used)
// Both towers run in eval mode (bn0 running statistics, no dropout).

/// MS-CLAP 2023 as an `AudioLanguageModel`.
public final class MSCLAP2023Model: AudioLanguageModel, @unchecked Sendable {
    public let config: MSCLAP2023Config
    public let htsat: HTSAT
    public let audioProjection: Projection
    public let textTower: GPT2TextTransformer
    public let textProjection: Projection
    public let tokenizer: MSCLAP2023Tokenizer
    public let name = "msclap-2023"
    public let fingerprint: String
    /// Files -> log-mels -> HTSAT batches.
    public var frontEnd: AudioFrontEnd
    public var preprocessing: PreprocessingConfig { frontEnd.preprocessing }
    /// Keys deliberately not loaded (HTSAT's STFT/log-mel kernels, tscam and head; GPT-2's
    /// saved causal-mask buffers; `logit_scale`), as found in the source.
    public let ignoredKeys: [String]
    /// Buffers palm recomputes (Swin `attn_mask`, `relative_position_index`), each checked.
    public let recomputedKeys: [String]
    /// Clips per pass through HTSAT (see `HTSAT.embed`).
    public var clipsPerPass = 8

    /// Loads a `.pth` (`{'model': state_dict}` or a bare state dict) or `.safetensors` checkpoint.
    public convenience init(path: String, tokenizer: MSCLAP2023Tokenizer, config: MSCLAP2023Config = .base,
                            preprocessing: PreprocessingConfig = .msclap2023) throws {
        try self.init(source: CheckpointFile.open(path), tokenizer: tokenizer, config: config, preprocessing: preprocessing)
    }

    /// Loads strictly from `source`: every parameter present with its shape, and any key that is
    /// neither used, recomputed nor on the ignore list is an error naming it.
    public init(source: TensorSource, tokenizer: MSCLAP2023Tokenizer, config: MSCLAP2023Config = .base,
                preprocessing: PreprocessingConfig = .msclap2023) throws {
        if let worst = tokenizer.bpe.vocabulary.values.max(), worst >= config.text.vocabSize {
            throw TokenizerError.malformed(path: tokenizer.folder + "/vocab.json",
                                           reason: "ids up to \(worst), but the GPT-2 tower has \(config.text.vocabSize) token embeddings")
        }
        self.config = config
        let keys = source.keys
        let prefix = !keys.isEmpty && keys.allSatisfy { $0.hasPrefix("module.") } ? "module." : ""
        let root = WeightLoader(source, prefix: prefix)
        var recomputed: [String] = []
        let audio = root.scoped("audio_encoder"), htsatScope = audio.scoped("base").scoped("htsat")
        htsat = try HTSAT(htsatScope, config: config.audio, recomputed: &recomputed)
        audioProjection = try Projection(audio.scoped("projection"), inFeatures: config.audio.numFeatures, outFeatures: config.embeddingDim)
        let text = root.scoped("caption_encoder"), base = text.scoped("base")
        textTower = try GPT2TextTransformer(base, config: config.text)
        textProjection = try Projection(text.scoped("projection"), inFeatures: config.text.width, outFeatures: config.embeddingDim)
        ignoredKeys = try root.finish(ignorablePrefixes: [prefix + "logit_scale"] + HTSAT.ignoredPrefixes.map { htsatScope.prefix + $0 }
            + GPT2TextTransformer.ignoredKeys(config.text).map { base.prefix + $0 })
        recomputedKeys = recomputed
        self.tokenizer = tokenizer
        frontEnd = AudioFrontEnd(preprocessing: preprocessing)
        fingerprint = try WeightFingerprint.of(source, prefix: "msclap-2023")
    }

    /// The same weights and tokenizer (shared) with another front-end.
    private init(sharing o: MSCLAP2023Model, preprocessing: PreprocessingConfig) {
        config = o.config; htsat = o.htsat; audioProjection = o.audioProjection; textTower = o.textTower
        textProjection = o.textProjection; tokenizer = o.tokenizer; fingerprint = o.fingerprint
        ignoredKeys = o.ignoredKeys; recomputedKeys = o.recomputedKeys
        clipsPerPass = o.clipsPerPass
        frontEnd = o.frontEnd.with(preprocessing)
    }

    public func withPreprocessing(_ preprocessing: PreprocessingConfig) throws -> AudioLanguageModel {
        MSCLAP2023Model(sharing: self, preprocessing: preprocessing)
    }

    public var dimension: Int { config.embeddingDim }
    public var tokenWidth: Int { config.text.width }

    /// Audio embeddings `[B, d]` (not normalised) for log-mels `[B, 1, T, 64]`, T <= 1024
    /// (7 s clips: 965 frames). Frozen: no tape.
    public func embedAudio(logMel: Tensor) throws -> Tensor {
        try htsat.embed(logMel: logMel, clipsPerPass: clipsPerPass) { try audioProjection($0) }
    }

    /// Decode + log-mel, then HTSAT + projection in batches (`frontEnd`), without the tape.
    public func embedAudio(paths: [String]) throws -> [Result<[Float], Error>] {
        try frontEnd.embed(paths: paths) {
            try embedAudio(logMel: $0)
        }
    }

    public func tokenize(_ texts: [String]) throws -> TokenBatch { try tokenizer.tokenize(texts) }

    /// Text embeddings `[n, d]` (not normalised): GPT-2 pooled at each text's pooled position,
    /// then the projection. Frozen: no tape.
    public func embedText(_ texts: [String]) throws -> Tensor {
        let t = try tokenize(texts)
        return try GradMode.withoutGrad { try textProjection(textTower.pooled(ids: t.ids, positions: t.eosPositions)) }
    }

    /// `wte` rows `[n, T, width]` of tokenized prompts (before the positions). No tape.
    public func tokenEmbeddings(_ tokens: TokenBatch) throws -> Tensor {
        try GradMode.withoutGrad { try textTower.tokenEmbeddings(ids: tokens.ids) }
    }

    /// Text features `[n, d]` from token embeddings: `wpe` added, the causal blocks and `ln_f`,
    /// the pooled rows, the projection; on the tape when the embeddings require grad.
    public func textFeatures(tokenEmbeddings: Tensor, tokens: TokenBatch) throws -> Tensor {
        try textProjection(textTower.pooled(tokenEmbeddings: tokenEmbeddings, positions: tokens.eosPositions))
    }

    public func textFeatures(sharedPrefix: Tensor, suffix: Tensor, tokens: TokenBatch) throws -> Tensor {
        try textProjection(textTower.stack.pooled(sharedPrefix: sharedPrefix, suffix: suffix, positions: tokens.eosPositions))
    }
}
