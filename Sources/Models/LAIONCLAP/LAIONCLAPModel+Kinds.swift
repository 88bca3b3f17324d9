import Foundation

// LAION-CLAP's model kinds: a released checkpoint (`laion-clap:PATH[:amodel=HTSAT-base]
// [:tokenizer=DIR][:fusion=auto|true|false]`) and the real architecture with seeded random
// weights (`laion-clap-random[:tiny|base[:SEED]][:fusion=true]`), for trying palm without a
// checkpoint.

extension LAIONCLAPModel {
    static let amodels = LAIONCLAPConfig.audioModels.map(\.name)

    /// Key prefixes (under `audio_branch.`) only fusion checkpoints hold.
    static let fusionPrefixes = ["audio_branch.patch_embed.mel_conv2d.", "audio_branch.patch_embed.fusion_model."]

    /// The first key of `keys` (sorted, as sources list them) that belongs to the fusion layers, or nil.
    public static func fusionKey(in keys: [String]) -> String? {
        keys.first { k in fusionPrefixes.contains { k.hasPrefix($0) || k.hasPrefix("module." + $0) } }
    }

    /// Whether the checkpoint at `path` (keys `keys`) is read as a fusion model: `setting`
    /// "auto" follows its keys; "true"/"false" must agree with them, and fusion needs HTSAT.
    static func fusion(_ setting: String, keys: [String], path: String, amodel: String) throws -> Bool {
        let key = fusionKey(in: keys)
        let on: Bool
        switch setting {
        case "true":
            guard key != nil else {
                throw ModelSpecError(context: path, "fusion=true, but the checkpoint has no \(fusionPrefixes[0])weight: it is not a fusion checkpoint (use fusion=auto or fusion=false)")
            }
            on = true
        case "false":
            if let key {
                throw ModelSpecError(context: path, "fusion=false, but the checkpoint holds \(key), a fusion layer: it is a fusion checkpoint (use fusion=auto or fusion=true)")
            }
            on = false
        default: on = key != nil
        }
        if on && amodel == "pann-14" {
            throw ModelSpecError(context: path, "fusion checkpoints are HTSAT's (aff_2d); amodel=pann-14 has no fusion layers\(key.map { " (found \($0))" } ?? "")")
        }
        return on
    }

    /// `laion-clap:PATH[:amodel=...][:tokenizer=DIR]`, the script builtin `laion_clap(path, amodel:, tokenizer:)`.
    public static let checkpointKind = ModelKind(
        name: "laion-clap",
        summary: "LAION-CLAP from a released .pt checkpoint (630k-best.pt, 630k-audioset-best.pt, music_*.pt, and the fusion 630k-fusion-best.pt, 630k-audioset-fusion-best.pt), loaded strictly",
        arguments: [
            ModelArgument("path", "checkpoint file", .path),
            ModelArgument("amodel", "audio tower: \"HTSAT-tiny\" (630k-*), \"HTSAT-base\" (music_*) or \"PANN-14\"", .choice(amodels),
                          default: "htsat-tiny", named: true),
            ModelArgument("tokenizer", "folder with roberta-base's vocab.json and merges.txt (default: the one Scripts/setup --tokenizers writes)",
                          .path, default: "", named: true),
            ModelArgument("size", "\"base\" (the released size of amodel) or \"tiny\" (as laion-clap-random:tiny makes, over the tokenizer's vocabulary)",
                          .choice(["base", "tiny"]), default: "base", named: true),
            ModelArgument("fusion", "feature fusion (HTSAT aff_2d, the *-fusion-best.pt checkpoints, read through the laion-clap-fusion front-end): \"auto\" (from the checkpoint's keys), \"true\" or \"false\" (refused when the keys disagree)",
                          .choice(["auto", "true", "false"]), default: "auto", named: true),
        ],
        builtin: "laion_clap") { spec in
        let dir = try TokenizerFiles.folder(spec.path("tokenizer"), for: .robertaBase, model: "LAION-CLAP")
        let tokenizer = try RoBERTaTokenizer(directory: dir)
        let source = try CheckpointFile.open(spec["path"])
        let fusion = try fusion(spec["fusion"], keys: source.keys, path: spec["path"], amodel: spec["amodel"])
        let config = LAIONCLAPConfig.named(amodel: spec["amodel"], size: spec["size"], vocabSize: tokenizer.bpe.vocabulary.count)
        return try LAIONCLAPModel(source: source, config: config.withFusion(fusion), tokenizer: tokenizer)
    }

    /// `laion-clap-random[:SIZE[:SEED]][:amodel=...][:fusion=true]`, the script builtin
    /// `laion_clap_random(size, seed, amodel:, fusion:)`.
    public static let randomKind = ModelKind(
        name: "laion-clap-random",
        summary: "LAION-CLAP's architecture with seeded random weights and a small bundled byte-level vocabulary, to try everything without a checkpoint (its outputs mean nothing)",
        arguments: [
            ModelArgument("size", "\"tiny\" (reduced HTSAT or CNN14, 2-layer 32-wide RoBERTa, d = 16) or \"base\" (the full size of amodel)",
                          .choice(["tiny", "base"]), default: "tiny"),
            ModelArgument("seed", "weight seed", .count, default: "0"),
            ModelArgument("amodel", "audio tower: \"HTSAT-tiny\", \"HTSAT-base\" or \"PANN-14\"", .choice(amodels),
                          default: "htsat-tiny", named: true),
            ModelArgument("fusion", "\"true\": HTSAT with the fusion layers (aff_2d) and the laion-clap-fusion front-end", .choice(["false", "true"]),
                          default: "false", named: true),
        ],
        builtin: "laion_clap_random") { spec in
        let tokenizer = try RoBERTaTokenizer.bundledSmall()
        if spec["fusion"] == "true" && spec["amodel"] == "pann-14" {
            throw ModelSpecError(spec: spec.description, "fusion=true needs an HTSAT amodel (PANN-14 has no fusion layers)")
        }
        let config = LAIONCLAPConfig.named(amodel: spec["amodel"], size: spec["size"], vocabSize: tokenizer.bpe.vocabulary.count)
            .withFusion(spec["fusion"] == "true")
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
