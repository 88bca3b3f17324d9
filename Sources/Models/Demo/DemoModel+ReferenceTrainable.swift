import Tensor

// The demo model in train mode, by what `model.train()` would change in its modules: aisfx's
// eight BatchNorms normalise each training batch (all blocks of its clips) with the batch's
// statistics and move their running ones; all-MiniLM-L6-v2 drops out (0.1) on its embeddings
// and sub-layer outputs; the projection heads are linear and have no dropout. This is the demo's
// counterpart of PENGI's train mode, so the reference protocol's cost can be measured on it.

extension DemoModel: ReferenceTrainable {
    /// aisfx's BatchNorm statistics as loaded, by checkpoint name.
    public var normalizationStatistics: [String: BatchNormStatistics] { audio.net.normalizationStatistics }

    public func embedAudio(paths: [String], statistics: [String: BatchNormStatistics]) throws -> [Result<[Float], Error>] {
        try project(audio.embedAudio(paths: paths, statistics: statistics))
    }

    public func embedAudioTraining(paths: [String], state: TrainModeState) throws -> Tensor {
        let clips = try audio.embedTraining(paths: paths, statistics: &state.statistics)
        return try GradMode.withoutGrad { try heads.projectAudio(clips) }
    }

    public func embedTextTraining(_ texts: [String], state: TrainModeState) throws -> Tensor {
        let tokens = text.tokenize(texts)
        return try GradMode.withoutGrad {
            try heads.projectText(text.features(tokenEmbeddings: text.tokenEmbeddings(tokens), tokens: tokens, training: state))
        }
    }

    public func textFeaturesTraining(tokenEmbeddings: Tensor, tokens: TokenBatch, state: TrainModeState) throws -> Tensor {
        try heads.projectText(text.features(tokenEmbeddings: tokenEmbeddings, tokens: tokens, training: state))
    }
}
