/// LAION-CLAP's audio branch: Swin HTSAT or PANNs' CNN14 (`model_configs/<amodel>.json`
/// `model_type`).
public enum LAIONCLAPAudioConfig: Sendable, Equatable {
    case htsat(HTSATConfig)
    case cnn14(CNN14Config)

    /// Width of the branch's `embedding` output (the audio projection's input).
    public var features: Int {
        switch self {
        case .htsat(let c): return c.numFeatures
        case .cnn14(let c): return c.embeddingDim
        }
    }
}

/// Shapes of LAION-CLAP's two towers and their projections (`laion_clap` 1.1.7
/// `model_configs/<amodel>.json` plus `create_htsat_model`'s / `Cnn14`'s fixed sizes; the text
/// branch is always roberta-base).
public struct LAIONCLAPConfig: Sendable, Equatable {
    public var audio: LAIONCLAPAudioConfig
    public var text: BERTConfig
    /// `joint_embed_shape`: both projections' width (512).
    public var embeddingDim: Int

    public init(audio: LAIONCLAPAudioConfig, text: BERTConfig, embeddingDim: Int) {
        self.audio = audio; self.text = text; self.embeddingDim = embeddingDim
    }

    /// `HTSAT-tiny` (630k-best, 630k-audioset-best; `withFusion(true)` for 630k-fusion-best and
    /// 630k-audioset-fusion-best): Swin-T, 768-d.
    public static let htsatTiny = LAIONCLAPConfig(audio: .htsat(.laionTiny), text: .robertaBase, embeddingDim: 512)
    /// `HTSAT-base` (the music_* checkpoints): embed 128, depths [2, 2, 12, 2], 1024-d.
    public static let htsatBase = LAIONCLAPConfig(audio: .htsat(.laionBase), text: .robertaBase, embeddingDim: 512)
    /// `PANN-14`: CNN14, 2048-d.
    public static let pann14 = LAIONCLAPConfig(audio: .cnn14(.pann), text: .robertaBase, embeddingDim: 512)

    /// The reduced models of the golden fixture (`Scripts/fixtures/laionclap.py`) and of
    /// `laion-clap-random:tiny`: HTSAT `.tiny` (8-d, 64 features) or CNN14 `.tiny` (32
    /// features), a 2-layer 32-wide RoBERTa with 79 positions over `vocabSize` tokens, joint
    /// width 16.
    public static func tiny(vocabSize: Int, pann: Bool = false) -> LAIONCLAPConfig {
        var text = BERTConfig(vocabSize: vocabSize, width: 32, layers: 2, heads: 4, intermediate: 64, maxPositions: 79,
                              typeVocabSize: 1, layerNormEps: 1e-5)
        text.positionOffset = 2
        return LAIONCLAPConfig(audio: pann ? .cnn14(.tiny) : .htsat(.tiny), text: text, embeddingDim: 16)
    }

    /// Whether the audio branch is a fusion HTSAT (`enable_fusion=True`, `fusion_type='aff_2d'`).
    public var fusion: Bool {
        if case .htsat(let c) = audio { return c.fusion }
        return false
    }

    /// The same config with HTSAT's fusion layers on or off (CNN14 has none: unchanged).
    public func withFusion(_ on: Bool) -> LAIONCLAPConfig {
        guard case .htsat(var c) = audio else { return self }
        c.fusion = on
        var out = self
        out.audio = .htsat(c)
        return out
    }

    /// The audio architectures by `amodel` name (lower-cased, as specs normalise them).
    public static let audioModels: [(name: String, config: LAIONCLAPConfig)] = [
        ("htsat-tiny", .htsatTiny), ("htsat-base", .htsatBase), ("pann-14", .pann14),
    ]

    /// The config a spec names: `amodel` at full size, or its reduced form with `size` "tiny"
    /// (the tokenizer's vocabulary; HTSAT-tiny and HTSAT-base share one reduced HTSAT).
    static func named(amodel: String, size: String, vocabSize: Int) -> LAIONCLAPConfig {
        if size == "tiny" { return tiny(vocabSize: vocabSize, pann: amodel == "pann-14") }
        return audioModels.first { $0.name == amodel }?.config ?? .htsatTiny
    }
}

extension HTSATConfig {
    /// LAION-CLAP's `HTSAT-tiny` (`create_htsat_model`, model_name "tiny"): the same Swin-T as
    /// PENGI's.
    public static let laionTiny = HTSATConfig(embedDim: 96, depths: [2, 2, 6, 2], heads: [4, 8, 16, 32])
    /// LAION-CLAP's `HTSAT-base` (model_name "base").
    public static let laionBase = HTSATConfig(embedDim: 128, depths: [2, 2, 12, 2], heads: [4, 8, 16, 32])
}
