import Tensor

// A random-weight MS-CLAP 2022 checkpoint in the real key layout, for `msclap-2022-random`,
// benchmarks and smoke tests without `CLAP_weights_2022.pth` (the rules: `RandomWeights`).

extension MSCLAP2022Model {
    /// Every key `init(source:...)` reads for `config`, with its shape.
    public static func parameterShapes(_ config: MSCLAP2022Config) -> [(key: String, shape: [Int])] {
        func projection(_ p: String, _ i: Int, _ o: Int) -> [(key: String, shape: [Int])] {
            [(p + ".linear1.weight", [o, i]), (p + ".linear2.weight", [o, o]), (p + ".layer_norm.weight", [o]), (p + ".layer_norm.bias", [o])]
        }
        return CNN14.parameterShapes(config.audio).map { ("audio_encoder.base." + $0.key, $0.shape) }
            + projection("audio_encoder.projection", config.audio.embeddingDim, config.embeddingDim)
            + BERTModel.parameterShapes(config.text).map { ("caption_encoder.base." + $0.key, $0.shape) }
            + projection("caption_encoder.projection", config.text.width, config.embeddingDim)
    }

    /// A seeded random checkpoint for `config` (see `parameterShapes`, `RandomWeights`).
    public static func randomSource(config: MSCLAP2022Config, seed: UInt64 = 0) -> DictionarySource {
        let size = config == .released ? "base" : config == .tiny ? "tiny" : "custom"
        return RandomWeights.source(parameterShapes(config), seed: seed, name: "<random MS-CLAP 2022 \(size) seed \(seed)>")
    }
}
