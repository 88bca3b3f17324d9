import Foundation

// LAION-CLAP's model kinds: a released checkpoint (`laion-clap:PATH[:amodel=HTSAT-base]
// [:tokenizer=DIR]`) and the real architecture with seeded random weights
// (`laion-clap-random[:tiny|base[:SEED]]`), for trying palm without a checkpoint.

extension LAIONCLAPModel {
    static let amodels = LAIONCLAPConfig.audioModels.map(\.name)


    /// `laion-clap:PATH[:amodel=...][:tokenizer=DIR]`, the script builtin `laion_clap(path, amodel:, tokenizer:)`.
    public static let checkpointKind = ModelKind(
        name: "laion-clap",
        summary: "LAION-CLAP (non-fusion) from a released .pt checkpoint (630k-best.pt, 630k-audioset-best.pt, music_*.pt), loaded strictly",
        arguments: [
            ModelArgument("path", "checkpoint file", .path),
            ModelArgument("amodel", "audio tower: \"HTSAT-tiny\" (630k-*), \"HTSAT-base\" (music_*) or \"PANN-14\"", .choice(amodels),
                          default: "htsat-tiny", named: true),
            ModelArgument("tokenizer", "folder with roberta-base's vocab.json and merges.txt (default: the one Scripts/setup --tokenizers writes)",
                          .path, default: "", named: true),
            ModelArgument("size", "\"base\" (the released size of amodel) or \"tiny\" (as laion-clap-random:tiny makes, over the tokenizer's vocabulary)",
                          .choice(["base", "tiny"]), default: "base", named: true),
        ],
        builtin: "laion_clap") { spec in
        let dir = try TokenizerFiles.folder(spec.path("tokenizer"), for: .robertaBase, model: "LAION-CLAP")
        let tokenizer = try RoBERTaTokenizer(directory: dir)
        let config = LAIONCLAPConfig.named(amodel: spec["amodel"], size: spec["size"], vocabSize: tokenizer.bpe.vocabulary.count)
        return try LAIONCLAPModel(path: spec["path"], config: config, tokenizer: tokenizer)
    }

    /// `laion-clap-random[:SIZE[:SEED]][:amodel=...]`, the script builtin `laion_clap_random(size, seed, amodel:)`.
    public static let randomKind = ModelKind(
        name: "laion-clap-random",
        summary: "LAION-CLAP's architecture with seeded random weights and a small bundled byte-level vocabulary, to try everything without a checkpoint (its outputs mean nothing)",
        arguments: [
            ModelArgument("size", "\"tiny\" (reduced HTSAT or CNN14, 2-layer 32-wide RoBERTa, d = 16) or \"base\" (the full size of amodel)",
                          .choice(["tiny", "base"]), default: "tiny"),
            ModelArgument("seed", "weight seed", .count, default: "0"),
            ModelArgument("amodel", "audio tower: \"HTSAT-tiny\", \"HTSAT-base\" or \"PANN-14\"", .choice(amodels),
                          default: "htsat-tiny", named: true),
        ],
        builtin: "laion_clap_random") { spec in
        let tokenizer = try RoBERTaTokenizer.bundledSmall()
        let config = LAIONCLAPConfig.named(amodel: spec["amodel"], size: spec["size"], vocabSize: tokenizer.bpe.vocabulary.count)
        return try LAIONCLAPModel(source: LAIONCLAPEncoders.randomSource(config: config, seed: UInt64(spec.count("seed"))),
                                  config: config, tokenizer: tokenizer)
    }
}

extension RoBERTaTokenizer {
    /// The small RoBERTa-style byte-level vocabulary shipped with palm
    /// (`Resources/roberta-small-bpe`, trained by `Scripts/fixtures/laionclap.py` on a fixed
    /// corpus; specials at roberta-base's ids 0-3): what `laion-clap-random` tokenizes with.
    public static func bundledSmall() throws -> RoBERTaTokenizer {
        guard let url = Bundle.module.url(forResource: "vocab", withExtension: "json", subdirectory: "Resources/roberta-small-bpe") else {
            throw TokenizerError.unreadable(path: "Resources/roberta-small-bpe/vocab.json", reason: "missing from the Models resource bundle")
        }
        return try RoBERTaTokenizer(directory: url.deletingLastPathComponent().path)
    }
}
