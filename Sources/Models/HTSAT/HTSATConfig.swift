/// Shape of an HTSAT (Swin-T) audio tower (msclap `HTSAT_Swin_Transformer` argument names in
/// comments). The spectrogram image is `specSize x specSize`; the log-mel has `melBins` mels and
/// `specSize / melBins` time chunks are stacked along frequency (`freq_ratio`).
public struct HTSATConfig: Sendable, Equatable {
    /// `config.mel_bins` (64).
    public var melBins: Int
    /// `spec_size` (256).
    public var specSize: Int
    /// `patch_size` = `patch_stride` (4).
    public var patchSize: Int
    /// `embed_dim` (96).
    public var embedDim: Int
    /// `depths` ([2, 2, 6, 2]).
    public var depths: [Int]
    /// `num_heads` ([4, 8, 16, 32]).
    public var heads: [Int]
    /// `window_size` (8).
    public var window: Int
    /// `mlp_ratio` (4).
    public var mlpRatio: Int
    /// `enable_fusion=True, fusion_type='aff_2d'` (LAION-CLAP's fusion checkpoints): the patch
    /// embedding's `mel_conv2d` and AFF layers exist and fusion input can be fused.
    public var fusion: Bool

    public init(melBins: Int = 64, specSize: Int = 256, patchSize: Int = 4, embedDim: Int, depths: [Int], heads: [Int],
                window: Int = 8, mlpRatio: Int = 4, fusion: Bool = false) {
        self.melBins = melBins; self.specSize = specSize; self.patchSize = patchSize; self.embedDim = embedDim
        self.depths = depths; self.heads = heads; self.window = window; self.mlpRatio = mlpRatio
        self.fusion = fusion
    }

    /// `spec_size / mel_bins`: time chunks stacked along frequency (4).
    public var freqRatio: Int { specSize / melBins }
    /// Frames after the bicubic time resize (`spec_size * freq_ratio`, 1024).
    public var targetFrames: Int { specSize * freqRatio }
    /// Width after the last stage (`embed_dim * 2^(stages-1)`, 768): the pooled embedding size.
    public var numFeatures: Int { embedDim << (depths.count - 1) }
    /// Token grid side of stage `i` (64, 32, 16, 8).
    public func resolution(stage i: Int) -> Int { (specSize / patchSize) >> i }

    /// PENGI's HTSAT (Swin-T, window 8): dims 96/192/384/768.
    public static let pengiBase = HTSATConfig(embedDim: 96, depths: [2, 2, 6, 2], heads: [4, 8, 16, 32])
    /// The reduced tower of the golden-test fixture (`Scripts/fixtures/pengi.py`, "tiny").
    public static let tiny = HTSATConfig(embedDim: 8, depths: [2, 2, 2, 2], heads: [2, 2, 4, 4])
}
