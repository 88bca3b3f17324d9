import Audio
import Tensor

/// A model whose encoders can run as the PALM reference trains them: `model.train()` every
/// epoch, so while prompts are learned the audio encoder normalises each batch with its own
/// statistics (moving the running ones), augments (SpecAugment, drop-path) and both projection
/// heads drop out; evaluation then runs in eval mode with the statistics training left. palm's
/// default computes frozen eval-mode features once; `--encoder-mode reference` uses this.
public protocol ReferenceTrainable: AudioLanguageModel {
    /// The audio encoder's normalisation statistics as loaded, by layer.
    var normalizationStatistics: [String: BatchNormStatistics] { get }
    /// Eval-mode audio embeddings of files with other normalisation statistics (a learner's saved
    /// buffer), one result per file as `embedAudio(paths:)`.
    func embedAudio(paths: [String], statistics: [String: BatchNormStatistics]) throws -> [Result<[Float], Error>]
    /// Train-mode audio embeddings `[n, d]` of files, all in one batch (the batch's statistics
    /// normalise it and move `state.statistics`). A file that cannot be decoded is an error.
    func embedAudioTraining(paths: [String], state: TrainModeState) throws -> Tensor
    /// Train-mode text embeddings `[n, d]` (projection dropout), no tape.
    func embedTextTraining(_ texts: [String], state: TrainModeState) throws -> Tensor
    /// Train-mode text features from token embeddings, on the tape (CoOp's family).
    func textFeaturesTraining(tokenEmbeddings: Tensor, tokens: TokenBatch, state: TrainModeState) throws -> Tensor
    /// Train-mode `textFeatures(sharedPrefix:suffix:tokens:)`. Default: the joined prompts.
    func textFeaturesTraining(sharedPrefix: Tensor, suffix: Tensor, tokens: TokenBatch, state: TrainModeState) throws -> Tensor
}

extension ReferenceTrainable {
    public func textFeaturesTraining(sharedPrefix: Tensor, suffix: Tensor, tokens: TokenBatch, state: TrainModeState) throws -> Tensor {
        try textFeaturesTraining(tokenEmbeddings: Tensor.joinedPrompts(sharedPrefix: sharedPrefix, suffix: suffix),
                                 tokens: tokens.repeated(sharedPrefix.shape[0]), state: state)
    }
}

/// A `ReferenceTrainable` model in a training run: while `isTraining`, its text side is in train
/// mode and audio batches go through `embedAudioTraining`; otherwise it is the model in eval
/// mode with the statistics the run has reached, under a fingerprint that names them, so the
/// feature store keeps features per set of statistics. Learners made on it see the same
/// `AudioLanguageModel` API either way.
public final class TrainingRun: AudioLanguageModel {
    public let base: ReferenceTrainable
    public let state: TrainModeState
    /// True while training (train-mode text, `embedAudioTraining` for audio batches).
    public var isTraining = false

    public init(base: ReferenceTrainable, seed: UInt64) {
        self.base = base
        state = TrainModeState(seed: seed, statistics: base.normalizationStatistics)
    }

    public var name: String { base.name }
    public var dimension: Int { base.dimension }
    public var tokenWidth: Int { base.tokenWidth }
    public var preprocessing: PreprocessingConfig { base.preprocessing }

    /// The base's fingerprint, extended by the statistics once training moved them.
    public var fingerprint: String {
        guard state.statistics != base.normalizationStatistics else { return base.fingerprint }
        var h = FNV1a64()
        for key in state.statistics.keys.sorted() { h.combine(key.utf8); h.combine(state.statistics[key]!.fingerprint.utf8) }
        return base.fingerprint + "-stats-" + String(h.value, radix: 16)
    }

    /// Eval-mode embeddings with the run's current statistics.
    public func embedAudio(paths: [String]) throws -> [Result<[Float], Error>] {
        try base.embedAudio(paths: paths, statistics: state.statistics)
    }

    /// Train-mode audio embeddings of one batch (moves the statistics).
    public func embedAudioTraining(paths: [String]) throws -> Tensor {
        try base.embedAudioTraining(paths: paths, state: state)
    }

    public func embedText(_ texts: [String]) throws -> Tensor {
        isTraining ? try base.embedTextTraining(texts, state: state) : try base.embedText(texts)
    }

    public func tokenize(_ texts: [String]) throws -> TokenBatch { try base.tokenize(texts) }
    public func tokenEmbeddings(_ tokens: TokenBatch) throws -> Tensor { try base.tokenEmbeddings(tokens) }

    public func textFeatures(tokenEmbeddings: Tensor, tokens: TokenBatch) throws -> Tensor {
        isTraining ? try base.textFeaturesTraining(tokenEmbeddings: tokenEmbeddings, tokens: tokens, state: state)
                   : try base.textFeatures(tokenEmbeddings: tokenEmbeddings, tokens: tokens)
    }

    public func textFeatures(sharedPrefix: Tensor, suffix: Tensor, tokens: TokenBatch) throws -> Tensor {
        isTraining ? try base.textFeaturesTraining(sharedPrefix: sharedPrefix, suffix: suffix, tokens: tokens, state: state)
                   : try base.textFeatures(sharedPrefix: sharedPrefix, suffix: suffix, tokens: tokens)
    }
}
