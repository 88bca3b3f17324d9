import Audio
import Foundation
import Tensor

// MS-CLAP 2022 (Elizalde et al., "CLAP: Learning Audio Concepts from Natural Language
// Supervision", ICASSP 2023) as palm runs it.
//
// Provenance: PyPI `msclap` 1.3.4: `models/clap.py` (`CLAP`, `AudioEncoder`, `TextEncoder`,
// `Projection`), `models/audio.py` (`Cnn14`), `configs/config_2022.yml`, `CLAPWrapper.py`
// (`load_clap`: `torch.load(fp)['model']`, `load_state_dict(strict=False)`, eval;
// `preprocess_text`: bert-base-uncased tokenizer, `max_length` 100, padded; keys input_ids,
// token_type_ids (all 0), attention_mask).
//
// Audio: waveform -> `PreprocessingConfig.msclap2022` log-mel -> CNN14 -> `embedding` (2048)
//   -> Projection(2048 -> 1024).
// Text: WordPiece ids -> BertModel -> last hidden state at [CLS] (position 0; not BERT's
//   pooler) -> Projection(768 -> 1024).
//
// Key layout of the state dict (after an optional `module.` prefix; the wrapper saves it
// unwrapped):
//   audio_encoder.base.*           Cnn14 (fc_audioset, spectrogram_extractor, logmel_extractor
//                                  present, not read; melW checked against the front-end)
//   audio_encoder.projection.*     Projection 2048 -> 1024
//   caption_encoder.base.*         BertModel (pooler.* and embeddings.position_ids not read)
//   caption_encoder.projection.*   Projection 768 -> 1024
//   logit_scale                    the contrastive temperature (not read: learners have their own)
//
// Deliberate differences that do not change the outputs: texts are padded to the longest in a
// batch, not to 100 (the padding mask makes the rest dead work); palm truncates texts to 98
// word pieces, where the reference (padding='max_length' without truncation) would keep them.

/// MS-CLAP 2022 as an `AudioLanguageModel`.
public final class MSCLAP2022Model: AudioLanguageModel, @unchecked Sendable {
    public let config: MSCLAP2022Config
    public let cnn14: CNN14
    public let audioProjection: Projection
    public let bert: BERTModel
    public let textProjection: Projection
    public let tokenizer: WordPieceTokenizer
    public let name = "msclap-2022"
    public let fingerprint: String
    /// Files -> log-mels -> CNN14 batches.
    public var frontEnd: AudioFrontEnd
    public var preprocessing: PreprocessingConfig { frontEnd.preprocessing }
    /// Checkpoint keys deliberately not read, as found in the source.
    public let ignoredKeys: [String]

    /// Loads a `.pth` (the released `{'model': state_dict}` or a bare state dict) or
    /// `.safetensors` checkpoint strictly.
    public convenience init(path: String, config: MSCLAP2022Config = .released, preprocessing: PreprocessingConfig = .msclap2022,
                            tokenizerFolder: String? = nil) throws {
        let folder = try TokenizerFiles.folder(tokenizerFolder, for: .bertBaseUncased, model: "msclap-2022")
        try self.init(source: CheckpointFile.open(path), config: config, preprocessing: preprocessing,
                      tokenizer: WordPieceTokenizer(vocabFile: folder + "/vocab.txt", maxLength: config.maxLength))
    }

    /// Loads strictly from `source`: every parameter present with its shape, every other key
    /// one of the known unread ones (an unknown key is an error naming it). The vocabulary size
    /// is read from the checkpoint's word embeddings (a checkpoint may carry a cut vocabulary,
    /// as the test fixture does); the tokenizer's ids must fit in it.
    public init(source: TensorSource, config: MSCLAP2022Config = .released, preprocessing: PreprocessingConfig = .msclap2022,
                tokenizer: WordPieceTokenizer) throws {
        let keys = source.keys
        let prefix = !keys.isEmpty && keys.allSatisfy { $0.hasPrefix("module.") } ? "module." : ""
        let root = WeightLoader(source, prefix: prefix)
        let audio = root.scoped("audio_encoder"), text = root.scoped("caption_encoder")
        var config = config
        if let rows = source.info(text.scoped("base").key("embeddings.word_embeddings.weight"))?.shape.first {
            config.text.vocabSize = rows
        }
        let ids = (tokenizer.vocabulary.values.max() ?? -1) + 1
        guard ids <= config.text.vocabSize else {
            throw CheckpointError.malformed(path: source.sourceName, reason:
                "'\(text.scoped("base").key("embeddings.word_embeddings.weight"))' has \(config.text.vocabSize) rows, but the tokenizer's vocabulary has ids up to \(ids - 1)")
        }
        self.config = config
        let base = audio.scoped("base")
        cnn14 = try CNN14(base, config: config.audio)
        let filterbank = MelFilterbank(config: preprocessing.mel, nFFT: preprocessing.stft.nFFT)
        try CNN14.checkFilterbank(base, weights: filterbank.weights, mels: filterbank.config.nMels, bins: filterbank.bins)
        audioProjection = try Projection(audio.scoped("projection"), inFeatures: config.audio.embeddingDim, outFeatures: config.embeddingDim)
        bert = try BERTModel(text.scoped("base"), config: config.text, finishing: false)
        textProjection = try Projection(text.scoped("projection"), inFeatures: config.text.width, outFeatures: config.embeddingDim)
        ignoredKeys = try root.finish(ignorablePrefixes: [prefix + "logit_scale"]
            + CNN14.ignoredPrefixes.map { base.prefix + $0 } + BERTModel.ignoredPrefixes.map { text.scoped("base").prefix + $0 })
        self.tokenizer = tokenizer
        frontEnd = AudioFrontEnd(preprocessing: preprocessing)
        fingerprint = try WeightFingerprint.of(source, prefix: "msclap2022")
    }

    /// The same weights and tokenizer (shared) with another front-end.
    private init(sharing other: MSCLAP2022Model, preprocessing: PreprocessingConfig) {
        config = other.config
        cnn14 = other.cnn14; audioProjection = other.audioProjection
        bert = other.bert; textProjection = other.textProjection
        tokenizer = other.tokenizer
        fingerprint = other.fingerprint
        ignoredKeys = other.ignoredKeys
        frontEnd = other.frontEnd.with(preprocessing)
    }

    public func withPreprocessing(_ preprocessing: PreprocessingConfig) throws -> AudioLanguageModel {
        MSCLAP2022Model(sharing: self, preprocessing: preprocessing)
    }

    public var dimension: Int { config.embeddingDim }
    public var tokenWidth: Int { config.text.width }

    // MARK: Audio

    /// Audio embeddings `[B, d]` (not normalised) of log-mels `[B, 1, T, mels]`. No tape.
    public func embedAudio(logMel: Tensor) throws -> Tensor {
        try GradMode.withoutGrad { try audioProjection(cnn14(logMel: logMel)) }
    }

    /// Decode + log-mel, then CNN14 + projection in batches (`frontEnd`).
    public func embedAudio(paths: [String]) throws -> [Result<[Float], Error>] {
        try frontEnd.embed(paths: paths) {
            try embedAudio(logMel: $0)
        }
    }

    // MARK: Text

    /// `[CLS] words [SEP]`, cut to the longest text; pooled at `[CLS]` (position 0).
    public func tokenize(_ texts: [String]) throws -> TokenBatch {
        let batch = TokenBatch(batch: tokenizer.tokenize(texts))
        return TokenBatch(ids: batch.ids, eosPositions: Array(repeating: 0, count: texts.count), lengths: batch.lengths,
                          leadingSpecials: 1, trailingSpecials: 1)
    }

    public func embedText(_ texts: [String]) throws -> Tensor {
        let tokens = try tokenize(texts)
        return try GradMode.withoutGrad { try textFeatures(tokenEmbeddings: tokenEmbeddings(tokens), tokens: tokens) }
    }

    /// BERT word embeddings `[n, T, width]` (before positions and token types). No tape.
    public func tokenEmbeddings(_ tokens: TokenBatch) throws -> Tensor {
        try GradMode.withoutGrad { try bert.tokenEmbeddings(ids: tokens.ids.flatMap { $0 }, shape: [tokens.ids.count, tokens.length]) }
    }

    /// BERT over `tokenEmbeddings` with the padding mask of `tokens.lengths`, the hidden state
    /// at `[CLS]`, then the projection: `[n, d]`, on the tape.
    public func textFeatures(tokenEmbeddings: Tensor, tokens: TokenBatch) throws -> Tensor {
        try textProjection(bert.clsPooled(tokenEmbeddings: tokenEmbeddings, lengths: tokens.lengths))
    }
}
