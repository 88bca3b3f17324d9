import Audio

// PENGI's model kinds: a checkpoint with the reference front-end (`pengi:PATH`) or the clean
// one (`pengi-clean:PATH`), and the real architecture with seeded random weights
// (`pengi-random[:tiny|base[:SEED]]`), for trying palm without a checkpoint.

extension PENGIModel {
    static let sizes = ["base", "tiny"]
    static let preprocessingNames = ["pengi", "clean"]

    /// The architecture by size name: "base" (the released checkpoint's) or "tiny".
    static func config(size: String) -> PENGIConfig {
        size == "tiny" ? .tinyWithCLIPVocabulary : .pengiBase
    }

    static func preprocessing(_ spec: ModelSpec) -> PreprocessingConfig {
        PreprocessingConfig.preset(named: spec["preprocessing"]) ?? .pengi
    }

    /// `pengi:PATH`, the script builtin `pengi(path, preprocessing:, size:)`.
    public static let checkpointKind = ModelKind(
        name: "pengi", summary: "PENGI from a .pth or .safetensors checkpoint, loaded strictly (every weight present with its shape)",
        arguments: [
            ModelArgument("path", "checkpoint file", .path),
            ModelArgument("preprocessing", "\"pengi\" (the reference front-end, quirks included) or \"clean\" (mono mean, centre crop)",
                          .choice(preprocessingNames), default: "pengi", positional: false),
            ModelArgument("size", "architecture: \"base\" (PENGI's) or \"tiny\" (as pengi_random makes)", .choice(sizes),
                          default: "base", positional: false),
        ],
        builtin: "pengi") { spec in
        try PENGIModel(path: spec["path"], config: config(size: spec["size"]), preprocessing: preprocessing(spec))
    }

    /// `pengi-clean:PATH`: the same weights with the clean front-end.
    public static let cleanCheckpointKind = ModelKind(
        name: "pengi-clean", summary: "PENGI from a checkpoint with the clean front-end (mono mean and centre crop instead of the reference's channel concatenation and random crop)",
        arguments: [ModelArgument("path", "checkpoint file", .path)]) { spec in
        try PENGIModel(path: spec["path"], preprocessing: .pengiClean)
    }

    /// `pengi-random[:SIZE[:SEED]]`, the script builtin `pengi_random(size, seed, preprocessing)`.
    public static let randomKind = ModelKind(
        name: "pengi-random", summary: "PENGI's architecture with seeded random weights, to try everything without a checkpoint (its outputs mean nothing)",
        arguments: [
            ModelArgument("size", "\"tiny\" (d = 24, the real CLIP vocabulary) or \"base\" (the full size)", .choice(["tiny", "base"]), default: "tiny"),
            ModelArgument("seed", "weight seed", .count, default: "0"),
            ModelArgument("preprocessing", "\"pengi\" or \"clean\"", .choice(preprocessingNames), default: "pengi", positional: false),
        ],
        builtin: "pengi_random") { spec in
        let config = config(size: spec["size"])
        return try PENGIModel(source: PENGIEncoders.randomSource(config: config, seed: UInt64(spec.count("seed"))), config: config,
                              preprocessing: preprocessing(spec))
    }
}

extension PENGIConfig {
    /// A tiny PENGI whose text tower takes the real CLIP tokenizer's ids (vocabulary 49408,
    /// 77 positions) with width 32 and 2 layers, HTSAT `.tiny`, d = 24: small enough for tests
    /// and for trying the whole path in seconds.
    public static let tinyWithCLIPVocabulary = PENGIConfig(
        audio: .tiny, text: CLIPTextConfig(vocabSize: 49408, width: 32, layers: 2, heads: 4, intermediate: 64, maxPositions: 77),
        embeddingDim: 24)
}
