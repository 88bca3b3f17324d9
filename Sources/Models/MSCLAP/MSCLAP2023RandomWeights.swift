import Tensor

// A random-weight MS-CLAP 2023 checkpoint in the real key layout (`RandomWeights`), for the
// `msclap-2023-random` kind, benchmarks and tests without `CLAP_weights_2023.pth`.

extension MSCLAP2023Model {
    /// Every parameter key of `config`'s towers with its shape (buffers palm recomputes and keys
    /// it ignores are not included). GPT-2's Conv1D weights are `[in, out]`.
    public static func parameterShapes(_ config: MSCLAP2023Config) -> [(key: String, shape: [Int])] {
        typealias R = RandomWeights
        var out = config.audio.parameterShapes(prefix: "audio_encoder.base.htsat.")
        out += R.projection("audio_encoder.projection", config.audio.numFeatures, config.embeddingDim)
        let t = config.text, c = "caption_encoder.base."
        func conv1D(_ p: String, _ i: Int, _ o: Int) { out += [(p + ".weight", [i, o]), (p + ".bias", [o])] }
        out.append((c + "wte.weight", [t.vocabSize, t.width]))
        out.append((c + "wpe.weight", [t.maxPositions, t.width]))
        for i in 0..<t.layers {
            let h = c + "h.\(i)."
            out += R.norm(h + "ln_1", t.width)
            conv1D(h + "attn.c_attn", t.width, 3 * t.width)
            conv1D(h + "attn.c_proj", t.width, t.width)
            out += R.norm(h + "ln_2", t.width)
            conv1D(h + "mlp.c_fc", t.width, t.intermediate)
            conv1D(h + "mlp.c_proj", t.intermediate, t.width)
        }
        out += R.norm(c + "ln_f", t.width)
        out += R.projection("caption_encoder.projection", t.width, config.embeddingDim)
        return out
    }

    /// A seeded random checkpoint for `config` in MS-CLAP 2023's key layout.
    public static func randomSource(config: MSCLAP2023Config, seed: UInt64 = 0) -> DictionarySource {
        RandomWeights.source(parameterShapes(config), seed: seed,
                             name: "<random MS-CLAP 2023 \(config == .base ? "base" : config == .tiny ? "tiny" : "custom") seed \(seed)>",
                             fanIn: { key, shape in key.contains(".h.") ? shape[0] : shape.dropFirst().reduce(1, *) })
    }
}
