import Audio
import Foundation
import Tensor

/// LAION-CLAP as an `AudioLanguageModel`: the encoders plus RoBERTa's tokenizer (77 ids,
/// `<s> ... </s>` padded with `<pad>`; pooled at `<s>` by RoBERTa's pooler).
public final class LAIONCLAPModel: AudioLanguageModel, @unchecked Sendable {
    public let encoders: LAIONCLAPEncoders
    public let tokenizer: RoBERTaTokenizer
    public let name = "laion-clap"
    public let fingerprint: String
    /// Files -> log-mels (or fusion inputs) -> audio tower batches.
    public var frontEnd: AudioFrontEnd
    public var preprocessing: PreprocessingConfig { frontEnd.preprocessing }

    /// Loads a `.pt`/`.pth` or `.safetensors` checkpoint strictly (see `LAIONCLAPEncoders.init`).
    /// `preprocessing` defaults to the reference's: `.laionCLAPFusion` for a fusion config,
    /// `.laionCLAP` otherwise.
    public convenience init(path: String, config: LAIONCLAPConfig = .htsatTiny, tokenizer: RoBERTaTokenizer,
                            preprocessing: PreprocessingConfig? = nil) throws {
        try self.init(source: CheckpointFile.open(path), config: config, tokenizer: tokenizer, preprocessing: preprocessing)
    }

    public init(source: TensorSource, config: LAIONCLAPConfig = .htsatTiny, tokenizer: RoBERTaTokenizer,
                preprocessing: PreprocessingConfig? = nil) throws {
        let preprocessing = preprocessing ?? (config.fusion ? .laionCLAPFusion : .laionCLAP)
        encoders = try LAIONCLAPEncoders(source: source, config: config, mel: preprocessing.mel, nFFT: preprocessing.stft.nFFT)
        self.tokenizer = tokenizer
        frontEnd = AudioFrontEnd(preprocessing: preprocessing)
        fingerprint = try WeightFingerprint.of(source, prefix: "laionclap")
    }

    private init(sharing other: LAIONCLAPModel, preprocessing: PreprocessingConfig) {
        encoders = other.encoders
        tokenizer = other.tokenizer
        fingerprint = other.fingerprint
        frontEnd = other.frontEnd.with(preprocessing)
    }

    public func withPreprocessing(_ preprocessing: PreprocessingConfig) throws -> AudioLanguageModel {
        LAIONCLAPModel(sharing: self, preprocessing: preprocessing)
    }

    /// Decode + log-mel on `preprocessingThreads` threads, then HTSAT + projection in batches of
    /// `audioBatchSize` clips, without the tape. A fusion front-end (`.laionCLAPFusion`, a fusion
    /// checkpoint's default) gives each clip its four-channel `FusionMel`; a fusion checkpoint
    /// read through the plain `.laionCLAP` front-end sees every clip as one that is not
    /// `longer` (its global view only, as the reference does for clips up to 10 s).
    public func embedAudio(paths: [String]) throws -> [Result<[Float], Error>] {
        if preprocessing.clip?.crop == .fusion {
            return try LogMelBatches.embedFusion(paths: paths, preprocessing: preprocessing, batchSize: frontEnd.batchSize,
                                                 threads: frontEnd.threads) { try encoders.embedAudio(fusion: $0) }
        }
        return try frontEnd.embed(paths: paths) {
            try encoders.embedAudio(logMel: $0)
        }
    }

    public var dimension: Int { encoders.embeddingDim }
    public var tokenWidth: Int { encoders.config.text.width }

    /// RoBERTa ids cut to the batch's longest text (padding is masked and `<s>` is pooled, so
    /// the cut changes nothing); one leading (`<s>`) and one trailing (`</s>`) special.
    public func tokenize(_ texts: [String]) throws -> TokenBatch {
        TokenBatch(batch: try tokenizer.tokenize(texts))
    }

    public func embedText(_ texts: [String]) throws -> Tensor {
        let tokens = try tokenize(texts)
        return try GradMode.withoutGrad { try textFeatures(tokenEmbeddings: tokenEmbeddings(tokens), tokens: tokens) }
    }

    public func tokenEmbeddings(_ tokens: TokenBatch) throws -> Tensor {
        try encoders.tokenEmbeddings(ids: tokens.ids)
    }

    public func textFeatures(tokenEmbeddings: Tensor, tokens: TokenBatch) throws -> Tensor {
        try encoders.textFeatures(tokenEmbeddings: tokenEmbeddings, lengths: tokens.lengths)
    }
}
