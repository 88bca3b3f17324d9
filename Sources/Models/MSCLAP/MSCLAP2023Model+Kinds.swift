import Audio

// MS-CLAP 2023's model kinds: the released checkpoint (`msclap-2023:PATH`, with GPT-2's tokenizer
// files) and the real architecture with seeded random weights
// (`msclap-2023-random[:tiny|base[:SEED]]`).

extension MSCLAP2023Model {
    static let sizes = ["base", "tiny"]
    static let preprocessingNames = ["msclap-2023", "clean"]

    static func config(size: String) -> MSCLAP2023Config { size == "tiny" ? .tiny : .base }

    static func preprocessing(_ spec: ModelSpec) -> PreprocessingConfig {
        spec["preprocessing"] == "clean" ? .pengiClean : .msclap2023
    }

    /// The tokenizer for `size`: the folder given, else GPT-2's located files (base) or the
    /// bundled small vocabulary (tiny, whose embedding table has its 401 rows). `fallback`
    /// lets the random base model use the bundled vocabulary when GPT-2's files are absent.
    static func tokenizer(_ spec: ModelSpec, size: String, fallback: Bool) throws -> MSCLAP2023Tokenizer {
        if let folder = spec.path("tokenizer") {
            return try MSCLAP2023Tokenizer(folder: TokenizerFiles.folder(folder, for: .gpt2, model: "MS-CLAP 2023"))
        }
        if size == "tiny" { return try .bundledTiny() }
        if fallback, TokenizerFiles.locate(.gpt2) == nil { return try .bundledTiny() }
        return try MSCLAP2023Tokenizer(folder: TokenizerFiles.folder(nil, for: .gpt2, model: "MS-CLAP 2023"))
    }

    static let tokenizerArgument = ModelArgument(
        "tokenizer", "folder with GPT-2's vocab.json + merges.txt (default: found by Scripts/setup --tokenizers)", .path,
        default: "", positional: false)
    static let preprocessingArgument = ModelArgument(
        "preprocessing", "\"msclap-2023\" (the reference front-end, quirks included) or \"clean\" (mono mean, centre crop)",
        .choice(preprocessingNames), default: "msclap-2023", positional: false)

    /// `msclap-2023:PATH`, the script builtin `msclap_2023(path, tokenizer:, preprocessing:, size:)`.
    public static let checkpointKind = ModelKind(
        name: "msclap-2023",
        summary: "MS-CLAP 2023 (HTSAT + GPT-2) from CLAP_weights_2023.pth, loaded strictly; needs GPT-2's tokenizer files",
        arguments: [
            ModelArgument("path", "checkpoint file (CLAP_weights_2023.pth)", .path),
            tokenizerArgument, preprocessingArgument,
            ModelArgument("size", "architecture: \"base\" (the released one) or \"tiny\" (as msclap_2023_random makes)", .choice(sizes),
                          default: "base", positional: false),
        ],
        builtin: "msclap_2023") { spec in
        let size = spec["size"]
        return try MSCLAP2023Model(path: spec["path"], tokenizer: tokenizer(spec, size: size, fallback: false), config: config(size: size),
                                   preprocessing: preprocessing(spec))
    }

    /// `msclap-2023-random[:SIZE[:SEED]]`, the script builtin `msclap_2023_random(size, seed, ...)`.
    public static let randomKind = ModelKind(
        name: "msclap-2023-random",
        summary: "MS-CLAP 2023's architecture with seeded random weights, to try everything without a checkpoint (its outputs mean nothing)",
        arguments: [
            ModelArgument("size", "\"tiny\" (d = 24, a bundled 401-token vocabulary) or \"base\" (the full size; GPT-2's tokenizer files when found, else the bundled vocabulary)",
                          .choice(["tiny", "base"]), default: "tiny"),
            ModelArgument("seed", "weight seed", .count, default: "0"),
            tokenizerArgument, preprocessingArgument,
        ],
        builtin: "msclap_2023_random") { spec in
        let size = spec["size"], config = config(size: size)
        return try MSCLAP2023Model(source: randomSource(config: config, seed: UInt64(spec.count("seed"))),
                                   tokenizer: tokenizer(spec, size: size, fallback: true), config: config, preprocessing: preprocessing(spec))
    }
}
