import Audio
import Tensor

// LAION-CLAP's encoders as palm uses them (`laion_clap` 1.1.7 `clap_module/model.py` `CLAP`):
// the audio branch (HTSAT, with or without feature fusion, or PANNs' CNN14) and its
// projection, RoBERTa and its projection.
//
// Key layout of the released checkpoints (`torch.load(ckpt)['state_dict']`, every key prefixed
// `module.`, which palm accepts as `hook.py` strips it):
//   audio_branch.*                  HTSAT (`HTSAT_Swin_Transformer`): bn0, patch_embed, layers,
//                                   norm; tscam_conv.* and head.* (not part of the embedding)
//                                   ignored; fusion checkpoints (630k-fusion-best.pt,
//                                   630k-audioset-fusion-best.pt) add patch_embed.mel_conv2d.*
//                                   and patch_embed.fusion_model.* (HTSATFusion.swift).
//                                   Or CNN14 (`pann_model.Cnn14`, PANN-14): bn0,
//                                   conv_block1..6, fc1; fc_audioset.* ignored. Both hold their
//                                   torchlibrosa constants (spectrogram_extractor.*,
//                                   logmel_extractor.melW): computed by the Audio target instead,
//                                   melW checked against palm's filterbank when present
//   audio_projection.{0,2}.*        Linear(features, 512) -> ReLU -> Linear(512, 512)
//   text_branch.*                   RobertaModel (embeddings, encoder.layer.i, pooler.dense);
//                                   embeddings.position_ids (0..<514, saved by the transformers
//                                   of the time) is checked and ignored
//   text_projection.{0,2}.*         Linear(768, 512) -> ReLU -> Linear(512, 512)
//   audio_transform.*, text_transform.*, logit_scale_a, logit_scale_t
//                                   training-only heads and temperatures: ignored
//
// The embeddings: audio = audio_projection(branch 'embedding') (`get_audio_embedding`; HTSAT:
// `latent_output`, the mean of the final tokens after `norm`, as palm's HTSAT computes it;
// CNN14: fc1 + ReLU after max + mean pooling, as palm's CNN14 computes it);
// text = text_projection(RoBERTa pooler_output) (`encode_text`, 'roberta'). The reference
// normalises both (`F.normalize`); palm returns them unnormalised as every AudioLanguageModel
// does, and learners normalise. Both towers run in eval mode.

/// LAION-CLAP's audio branch, as its config names it.
public enum LAIONCLAPAudioTower: Sendable {
    case htsat(HTSAT)
    case cnn14(CNN14)

    /// The branch's `embedding` `[B, features]` for log-mels `[B, 1, T, 64]` (a fusion tower
    /// treats them as clips that are not `longer`: only the global view exists). No tape.
    public func callAsFunction(logMel: Tensor) throws -> Tensor {
        switch self {
        case .htsat(let h): return try GradMode.withoutGrad { try h(logMel: logMel) }
        case .cnn14(let c): return try c(logMel: logMel)
        }
    }

    /// Whether the branch has fusion layers (an HTSAT from a fusion checkpoint).
    public var fuses: Bool {
        if case .htsat(let h) = self { return h.fusion != nil }
        return false
    }

    /// Keys under the branch's scope that checkpoints hold and palm does not read.
    var ignoredPrefixes: [String] {
        switch self {
        case .htsat: return HTSAT.ignoredPrefixes
        case .cnn14: return CNN14.ignoredPrefixes
        }
    }
}

/// LAION-CLAP's audio and text encoders with their projections into the joint space.
public final class LAIONCLAPEncoders: @unchecked Sendable {
    public let config: LAIONCLAPConfig
    public let audio: LAIONCLAPAudioTower
    public let audioProjection: MLP
    public let text: BERTModel
    public let textProjection: MLP
    /// Checkpoint keys deliberately not loaded, as found in the source.
    public let ignoredKeys: [String]
    /// Buffers palm recomputes (Swin `attn_mask`, `relative_position_index`), each checked.
    public let recomputedKeys: [String]

    /// Key prefixes (after `module.`) of tensors the embeddings do not use.
    static let ignoredPrefixes = ["audio_transform.", "text_transform.", "logit_scale_a", "logit_scale_t",
                                  "text_branch.embeddings.position_ids"]

    /// Loads strictly from `source`: every parameter present with the expected shape, and any
    /// key that is neither used, recomputed nor ignored on purpose is an error naming it. A
    /// checkpoint's `audio_branch.logmel_extractor.melW` must be the filterbank of `mel`
    /// (the front-end palm computes; LAION-CLAP's: slaney, 64 bands 50-14000 Hz at 48 kHz).
    public init(source: TensorSource, config: LAIONCLAPConfig = .htsatTiny, mel: MelConfig = PreprocessingConfig.laionCLAP.mel,
                nFFT: Int = PreprocessingConfig.laionCLAP.stft.nFFT) throws {
        self.config = config
        let keys = source.keys
        let prefix = !keys.isEmpty && keys.allSatisfy { $0.hasPrefix("module.") } ? "module." : ""
        let root = WeightLoader(source, prefix: prefix)
        var recomputed: [String] = []
        let branch = root.scoped("audio_branch")
        switch config.audio {
        case .htsat(let c): audio = .htsat(try HTSAT(branch, config: c, recomputed: &recomputed))
        case .cnn14(let c): audio = .cnn14(try CNN14(branch, config: c))
        }
        // The checkpoint's melW is its torchlibrosa extractor's (slaney). A fusion model's
        // front-end is torchaudio's HTK filterbank instead (the extractor is unused), so its melW
        // is checked against torchlibrosa's at the front-end's rate and band edges.
        var extractor = mel
        if audio.fuses { extractor.scale = .slaney; extractor.norm = .slaney }
        let filterbank = MelFilterbank(config: extractor, nFFT: nFFT)
        try CNN14.checkFilterbank(branch, weights: filterbank.weights, mels: filterbank.config.nMels, bins: filterbank.bins)
        audioProjection = try MLP(laionProjection: root.scoped("audio_projection"), inFeatures: config.audio.features,
                                  outFeatures: config.embeddingDim)
        text = try BERTModel(root.scoped("text_branch"), config: config.text, finishing: false, pooler: true)
        textProjection = try MLP(laionProjection: root.scoped("text_projection"), inFeatures: config.text.width,
                                 outFeatures: config.embeddingDim)
        ignoredKeys = try root.finish(ignorablePrefixes: Self.ignoredPrefixes.map { prefix + $0 }
                                          + audio.ignoredPrefixes.map { branch.prefix + $0 })
        recomputedKeys = recomputed
    }

    /// Joint embedding size (512).
    public var embeddingDim: Int { config.embeddingDim }

    /// Audio embeddings `[B, d]` (not normalised) for log-mels `[B, 1, T, 64]` (10 s at 48 kHz:
    /// 1001 frames; HTSAT takes at most 1024). Frozen: no tape.
    public func embedAudio(logMel: Tensor) throws -> Tensor {
        try GradMode.withoutGrad { try audioProjection(audio(logMel: logMel)) }
    }

    /// Word embeddings `[B, T, width]` of equally long id rows (before positions and token
    /// types): where CoOp's context vectors live. No tape.
    public func tokenEmbeddings(ids: [[Int]]) throws -> Tensor {
        guard let t = ids.first?.count, t > 0, ids.allSatisfy({ $0.count == t }) else {
            throw TensorError.invalidArgument(op: "tokenEmbeddings", message: "id rows must be non-empty and of equal length")
        }
        return try GradMode.withoutGrad { try text.tokenEmbeddings(ids: ids.flatMap { $0 }, shape: [ids.count, t]) }
    }

    /// Audio embeddings `[B, d]` (not normalised) of fusion inputs (`FusionMel`, each
    /// `[4, T, 64]`, T <= 1024): the chunks of the `longer` ones are fused. Needs a fusion
    /// checkpoint. Frozen: no tape.
    public func embedAudio(fusion inputs: [FusionMel]) throws -> Tensor {
        guard case .htsat(let h) = audio, h.fusion != nil else {
            throw TensorError.invalidArgument(op: "LAION-CLAP", message:
                "fusion input (the laion-clap-fusion front-end) needs a fusion checkpoint (with audio_branch.patch_embed.mel_conv2d.* and audio_branch.patch_embed.fusion_model.*)")
        }
        return try GradMode.withoutGrad {
            try audioProjection(h(fusionMel: Tensor.stack(inputs.map(\.mel)), longer: inputs.map(\.longer)))
        }
    }

    /// Text features `[B, d]` from word embeddings `[B, T, width]` and each row's real length:
    /// RoBERTa (positions from 2, token type 0, padding masked), the pooler on `<s>`, the
    /// projection. On the tape when the embeddings require grad.
    public func textFeatures(tokenEmbeddings: Tensor, lengths: [Int]) throws -> Tensor {
        try textProjection(text.pooled(tokenEmbeddings: tokenEmbeddings, lengths: lengths))
    }
}

extension MLP {
    /// LAION-CLAP's projection `nn.Sequential(Linear(in, out), ReLU(), Linear(out, out))`, read
    /// from `loader` scoped at the Sequential (`0.*`, `2.*`).
    public init(laionProjection loader: WeightLoader, inFeatures: Int, outFeatures: Int) throws {
        fc1 = try Linear(loader.scoped(0), inFeatures: inFeatures, outFeatures: outFeatures)
        fc2 = try Linear(loader.scoped(2), inFeatures: outFeatures, outFeatures: outFeatures)
        activation = .relu
    }
}
