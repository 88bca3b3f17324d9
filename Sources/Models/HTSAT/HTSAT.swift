import Support
import Tensor

// HTSAT audio tower, from the log-mel to the pooled 768-d embedding.
//
// Provenance: msclap 1.3.4 `msclap/models/htsat.py` (`HTSAT_Swin_Transformer`), which is
// PENGI's HTSAT (microsoft/Pengi models/htsat.py); stored in `base.pth` under
// `audio_encoder.base.htsat.`. Reproduced in eval mode for a log-mel of at most 1024 frames
// (PENGI's 7 s clips give 965), i.e. the `else` branch of `forward`:
//   x = bn0(logmel over the mel axis)                       [B, 1, T, 64]
//   x = reshape_wav2img(x): bicubic (align_corners=True) T -> 1024 frames, then
//       [B,1,1024,64] -> permute [B,1,64,1024] -> [B,1,64,4,256] -> [B,1,4,64,256]
//       -> [B,1,256,256]: image row = chunk * 64 + mel, column = frame within the chunk
//   patch_embed: conv 4x4 stride 4 (1 -> 96) + LayerNorm -> 64 x 64 tokens
//   4 stages of Swin blocks (shift S/2 on odd blocks), PatchMerging between stages
//   norm, then `latent_output` = mean over all final tokens (tscam's regrouping before the
//   average pool only permutes tokens, so it is a plain mean) -> [B, 768]
// LAION-CLAP's HTSAT (`laion_clap` 1.1.7 `clap_module/htsat.py`, keys under `audio_branch.`)
// is the same network: its `forward_features` always takes the tscam branch, whose
// 'embedding' output is this `latent_output`. Its fusion checkpoints add the fusion layers of
// the patch embedding (`patch_embed.mel_conv2d`, `patch_embed.fusion_model`), loaded when
// `HTSATConfig.fusion` is set and run on four-channel fusion input (HTSATFusion.swift).
// Not reproduced: the STFT/log-mel front-end (the Audio target computes the log-mel), SpecAugment
// and mixup (training only), the tscam conv and head (not part of the embedding), the > 1024-frame
// crop/average branch (PENGI's clips never reach it).
// Clips are batched through the whole tower: windows of all clips go through each GEMM together.

/// The HTSAT (Swin-T) audio tower. Checkpoint keys below `audio_encoder.base.htsat.` (PENGI)
/// or `audio_branch.` (LAION-CLAP).
public struct HTSAT: Sendable {
    public let config: HTSATConfig
    public let bn0: BatchNorm2d
    let patchProjection: Conv2d
    let patchNorm: LayerNorm
    let stages: [[SwinBlock]]
    let merges: [PatchMerging]
    let norm: LayerNorm
    /// The fusion layers of the patch embedding (LAION-CLAP's fusion checkpoints), when
    /// `config.fusion`.
    public let fusion: HTSATFusion?

    /// The name of `bn0`'s statistics among a model's normalisation statistics.
    public static let bn0Key = "bn0"

    /// Keys the tower leaves unread on purpose, as prefixes relative to its scope.
    public static let ignoredPrefixes = ["spectrogram_extractor.", "logmel_extractor.", "tscam_conv.", "head."]

    /// Loads from `loader` scoped at the tower (PENGI: `audio_encoder.base.htsat`). Buffers that
    /// palm recomputes (`attn_mask`, `relative_position_index`) are checked and appended to `recomputed`.
    public init(_ loader: WeightLoader, config c: HTSATConfig, recomputed: inout [String]) throws {
        precondition(c.depths.count == c.heads.count, "one head count per stage")
        config = c
        bn0 = try BatchNorm2d(loader.scoped("bn0"), channels: c.melBins)
        let pe = loader.scoped("patch_embed")
        patchProjection = try Conv2d(pe.scoped("proj"), inChannels: 1, outChannels: c.embedDim, kernel: (c.patchSize, c.patchSize),
                                     stride: (c.patchSize, c.patchSize))
        patchNorm = try LayerNorm(pe.scoped("norm"), dim: c.embedDim)
        fusion = c.fusion ? try HTSATFusion(pe, config: c) : nil
        var stages: [[SwinBlock]] = [], merges: [PatchMerging] = []
        for i in 0..<c.depths.count {
            let layer = loader.scoped("layers").scoped(i)
            let dim = c.embedDim << i, r = c.resolution(stage: i)
            var blocks: [SwinBlock] = []
            for j in 0..<c.depths[i] {
                blocks.append(try SwinBlock(layer.scoped("blocks").scoped(j), dim: dim, heads: c.heads[i], resolution: r,
                                            window: c.window, shift: j % 2 == 0 ? 0 : c.window / 2, mlpRatio: c.mlpRatio,
                                            recomputed: &recomputed))
            }
            stages.append(blocks)
            if i < c.depths.count - 1 { merges.append(try PatchMerging(layer.scoped("downsample"), dim: dim)) }
        }
        self.stages = stages
        self.merges = merges
        norm = try LayerNorm(loader.scoped("norm"), dim: c.numFeatures)
    }

    /// Checks a log-mel's shape `[B, 1, T, mels]`, 2 <= T <= 1024.
    func checkLogMel(_ x: Tensor) throws {
        let c = config
        guard x.rank == 4, x.shape[1] == 1, x.shape[3] == c.melBins, x.shape[2] > 1, x.shape[2] <= c.targetFrames else {
            throw TensorError.shapeMismatch(op: "HTSAT", shapes: [x.shape],
                                            reason: "expected a log-mel [B, 1, T, \(c.melBins)] with 2 <= T <= \(c.targetFrames) frames")
        }
    }

    /// `bn0` + `reshape_wav2img`: log-mel `[B, 1, T, mels]` (T <= 1024) -> image `[B, 1, 256, 256]`.
    /// `statistics` replaces bn0's running statistics (a learner's saved buffer).
    public func spectrogramImage(logMel x: Tensor, statistics: BatchNormStatistics? = nil) throws -> Tensor {
        try checkLogMel(x)
        return try image(normalized: (statistics.map(bn0.with) ?? bn0)(x, channelAxis: 3))
    }

    /// `reshape_wav2img` of a normalised log-mel `[B, 1, T, mels]`: bicubic resize to 1024 frames,
    /// then four 256-frame chunks stacked along frequency.
    func image(normalized y: Tensor) throws -> Tensor {
        let c = config
        let b = y.shape[0], t = y.shape[2]
        var y = y
        if t < c.targetFrames { y = try bicubicMatrix(from: t, to: c.targetFrames).matmul(y) }
        // [B, 1, 1024, F] -> [B, 4, 256, F] -> [B, 4, F, 256] -> [B, 1, 4F, 256].
        return try y.reshape([b, c.freqRatio, c.specSize, c.melBins]).permute([0, 1, 3, 2])
            .reshape([b, 1, c.freqRatio * c.melBins, c.specSize])
    }

    /// The pooled embedding `latent_output` `[B, numFeatures]` for a log-mel `[B, 1, T, mels]`,
    /// eval mode; `statistics` replaces bn0's running statistics.
    public func callAsFunction(logMel: Tensor, statistics: BatchNormStatistics? = nil) throws -> Tensor {
        try tower(StageProfiler.measure("bn0 + bicubic resize") { try spectrogramImage(logMel: logMel, statistics: statistics) }) { block, x in
            try block(x)
        }
    }

    /// `head(self(logMel:))` `[B, d]` for log-mels `[B, 1, T, mels]`, computed `clipsPerPass` clips
    /// at a time without the tape: larger passes make fewer, larger GEMMs, but a pass's
    /// activations (~7 MB per clip in stage 1 at full size) fall out of cache for the
    /// memory-bound steps. Results do not depend on it.
    public func embed(logMel: Tensor, clipsPerPass: Int, statistics: BatchNormStatistics? = nil,
                      head: (Tensor) throws -> Tensor) throws -> Tensor {
        try GradMode.withoutGrad {
            let b = logMel.shape.first ?? 0, step = Swift.max(1, clipsPerPass)
            if b <= step { return try head(self(logMel: logMel, statistics: statistics)) }
            let parts = try stride(from: 0, to: b, by: step).map { start in
                try head(self(logMel: logMel.slice(axis: 0, start: start, end: Swift.min(b, start + step)), statistics: statistics))
            }
            return try Tensor.concat(parts, axis: 0)
        }
    }

    /// Patch embedding, the Swin stages (each block run by `run`) and the pooled norm.
    func tower(_ image: Tensor, run: (SwinBlock, Tensor) throws -> Tensor) throws -> Tensor {
        let b = image.shape[0]
        let c = config, r0 = c.resolution(stage: 0)
        let p = try StageProfiler.measure("patch embed conv", flops: 2 * Double(b * r0 * r0 * c.embedDim * c.patchSize * c.patchSize)) {
            try patchProjection(image)  // [B, C, R, R]
        }
        return try tower(patches: p, run: run)
    }

    /// The patch norm, the Swin stages (each block run by `run`) and the pooled norm, from the
    /// projected patches `[B, C, R, R]`.
    func tower(patches p: Tensor, run: (SwinBlock, Tensor) throws -> Tensor) throws -> Tensor {
        let b = p.shape[0], c = config
        var x = try StageProfiler.measure("patch embed norm") { try patchNorm(p.reshape([b, c.embedDim, -1]).transpose(1, 2)) }
        for (i, blocks) in stages.enumerated() {
            try StageProfiler.scope("stage \(i)") {
                for block in blocks { x = try run(block, x) }
                if i < merges.count { x = try merges[i](x, resolution: c.resolution(stage: i)) }
            }
        }
        return try StageProfiler.measure("norm + mean") { try norm(x).mean(axis: 1) }
    }
}
