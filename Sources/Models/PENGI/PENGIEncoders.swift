import Support
import Tensor

// PENGI's encoders as palm uses them: HTSAT + audio Projection, CLIP text tower +
// clip_text_projection + text Projection (microsoft/Pengi models/pengi.py `AudioEncoder`,
// `TextEncoder`). The GPT-2 caption decoder (`caption_decoder.*`) is never read.
//
// Key layout of `base.pth` (after an optional `module.` prefix):
//   audio_encoder.base.htsat.*           HTSAT
//   audio_encoder.projection.*           Projection 768 -> 1024
//   caption_encoder.base.*               CLIPTextModel
//   caption_encoder.clip_text_projection.weight   512 -> 512, no bias
//   caption_encoder.projection.*         Projection 512 -> 1024
//
// Frozen-encoder semantics: both towers run in eval mode (bn0 running statistics, no dropout,
// no SpecAugment). The PALM reference trains with the encoders in train() mode; palm does not
// copy that by default because the paper describes the encoders as frozen (ARCHITECTURE.md,
// "Decisions").

/// PENGI's audio and text encoders with their projections into the joint `d`-dim space.
public final class PENGIEncoders: @unchecked Sendable {
    public let config: PENGIConfig
    public let htsat: HTSAT
    public let audioProjection: Projection
    public let textTower: CLIPTextTransformer
    public let clipTextProjection: Linear
    public let textProjection: Projection
    /// Checkpoint keys deliberately not loaded (caption decoder, HTSAT front-end/tscam/head,
    /// BatchNorm counters), as found in the source.
    public let ignoredKeys: [String]
    /// Buffers palm recomputes (Swin `attn_mask`, `relative_position_index`, CLIP
    /// `position_ids`); each was checked against the recomputed value.
    public let recomputedKeys: [String]

    /// Loads strictly from `source`: every parameter must be present with the expected shape,
    /// and any key that is neither used, recomputed nor on the ignore list is an error naming it.
    /// A `module.` prefix on every key (DataParallel checkpoints) is accepted.
    public init(source: TensorSource, config: PENGIConfig = .pengiBase) throws {
        self.config = config
        let keys = source.keys
        let prefix = !keys.isEmpty && keys.allSatisfy { $0.hasPrefix("module.") } ? "module." : ""
        let root = WeightLoader(source, prefix: prefix)
        var recomputed: [String] = []
        let audio = root.scoped("audio_encoder")
        htsat = try HTSAT(audio.scoped("base").scoped("htsat"), config: config.audio, recomputed: &recomputed)
        audioProjection = try Projection(audio.scoped("projection"), inFeatures: config.audio.numFeatures, outFeatures: config.embeddingDim)
        let text = root.scoped("caption_encoder")
        textTower = try CLIPTextTransformer(text.scoped("base"), config: config.text, recomputed: &recomputed)
        clipTextProjection = try Linear(text.scoped("clip_text_projection"), inFeatures: config.text.width,
                                        outFeatures: config.text.width, bias: false)
        textProjection = try Projection(text.scoped("projection"), inFeatures: config.text.width, outFeatures: config.embeddingDim)
        let htsatPrefix = audio.scoped("base").scoped("htsat").prefix
        ignoredKeys = try root.finish(ignorablePrefixes: [prefix + "caption_decoder."] + HTSAT.ignoredPrefixes.map { htsatPrefix + $0 })
        recomputedKeys = recomputed
    }

    /// Joint embedding size `d`.
    public var embeddingDim: Int { config.embeddingDim }

    /// Clips per pass through HTSAT in `embedAudio` (see `HTSAT.embed`). Results do not depend on it.
    public var clipsPerPass: Int = 8

    /// Audio embeddings `[B, d]` (not normalised) for log-mels `[B, 1, T, 64]`, T <= 1024
    /// (PENGI's 7 s clips: 965), computed `clipsPerPass` clips at a time. Frozen: no tape.
    /// `statistics` replaces bn0's running statistics (those a learner's training left).
    public func embedAudio(logMel: Tensor, statistics: BatchNormStatistics? = nil) throws -> Tensor {
        try htsat.embed(logMel: logMel, clipsPerPass: clipsPerPass, statistics: statistics) { x in
            try StageProfiler.measure("projection") { try audioProjection(x) }
        }
    }

    /// Train-mode audio embeddings `[B, d]` (the PALM reference's `model.train()`): HTSAT with
    /// batch statistics in bn0 (updating `state.statistics`), SpecAugment and drop-path, then
    /// the projection with dropout. One pass for the whole batch (bn0's statistics are the
    /// batch's). No tape.
    public func embedAudioTraining(logMel: Tensor, state: TrainModeState) throws -> Tensor {
        var bn0 = state.statistics[HTSAT.bn0Key] ?? htsat.bn0.statistics
        let latent = try htsat.training(logMel: logMel, statistics: &bn0, generator: &state.generator, options: state.htsat)
        state.statistics[HTSAT.bn0Key] = bn0
        return try GradMode.withoutGrad { try audioProjection.training(latent, generator: &state.generator) }
    }

    /// Text embeddings `[B, d]` (not normalised) for token id rows (BOS ... EOS, padding); each
    /// row is pooled at its first largest id (PENGI's `argmax(input_ids)`, the EOS). Rows may
    /// have different lengths (they are padded with their own last id). Frozen: no tape.
    public func embedText(ids: [[Int]]) throws -> Tensor {
        guard let t = ids.map(\.count).max(), t > 0 else {
            throw TensorError.invalidArgument(op: "embedText", message: "needs at least one non-empty id row")
        }
        var flat: [Int] = []
        flat.reserveCapacity(ids.count * t)
        for row in ids {
            guard let last = row.last else { throw TensorError.invalidArgument(op: "embedText", message: "empty id row") }
            flat.append(contentsOf: row)
            flat.append(contentsOf: repeatElement(last, count: t - row.count))
        }
        return try GradMode.withoutGrad {
            try textProjection(clipTextProjection(textTower.pooled(ids: flat, shape: [ids.count, t])))
        }
    }

    /// Frozen token embeddings `[B, T, width]` (before the position embedding) of equally long
    /// id rows: the starting point of CoOp prompts. No tape.
    public func tokenEmbeddings(ids: [[Int]]) throws -> Tensor {
        guard let t = ids.first?.count, t > 0, ids.allSatisfy({ $0.count == t }) else {
            throw TensorError.invalidArgument(op: "tokenEmbeddings", message: "id rows must be non-empty and of equal length")
        }
        return try GradMode.withoutGrad { try textTower.tokenEmbedding(ids.flatMap { $0 }, shape: [ids.count, t]) }
    }

    /// Text features `[B, d]` from token *embeddings* `[B, T, width]` (before the position
    /// embedding) and each row's EOS position: the token-level entry CoOp/CoCoOp need. Recorded
    /// on the tape when the embeddings require grad, so gradients reach learned context vectors.
    /// With `training`, the projection runs in train mode (the reference's text side while it
    /// trains: dropout 0.5 in PENGI's projection; the CLIP tower itself has none).
    public func textFeatures(tokenEmbeddings: Tensor, eosPositions: [Int], training state: TrainModeState? = nil) throws -> Tensor {
        try projectedText(textTower.pooled(tokenEmbeddings: tokenEmbeddings, eosPositions: eosPositions), training: state)
    }

    /// `textFeatures(tokenEmbeddings:eosPositions:training:)` of prompts sharing their first
    /// positions (`CausalTransformer.pooled(sharedPrefix:suffix:positions:)`).
    public func textFeatures(sharedPrefix: Tensor, suffix: Tensor, eosPositions: [Int], training state: TrainModeState? = nil) throws -> Tensor {
        try projectedText(textTower.stack.pooled(sharedPrefix: sharedPrefix, suffix: suffix, positions: eosPositions), training: state)
    }

    /// Both text projections of pooled EOS states, the second in train mode with `state`.
    private func projectedText(_ pooled: Tensor, training state: TrainModeState?) throws -> Tensor {
        let latent = try clipTextProjection(pooled)
        guard let state else { return try textProjection(latent) }
        return try textProjection.training(latent, generator: &state.generator)
    }
}
