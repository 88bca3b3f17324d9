import Tensor

// A random-weight LAION-CLAP checkpoint in the released key layout (without `module.`, which
// the loader accepts either way), drawn by `RandomWeights`' rules.

extension LAIONCLAPEncoders {
    /// Every parameter key of `config`'s encoders with its shape (recomputed buffers and
    /// ignored keys not included).
    public static func parameterShapes(_ config: LAIONCLAPConfig) -> [(key: String, shape: [Int])] {
        typealias R = RandomWeights
        var out: [(key: String, shape: [Int])]
        switch config.audio {
        case .htsat(let c): out = c.parameterShapes(prefix: "audio_branch.")
        case .cnn14(let c): out = CNN14.parameterShapes(c).map { ("audio_branch." + $0.key, $0.shape) }
        }
        out += R.linear("audio_projection.0", config.audio.features, config.embeddingDim)
        out += R.linear("audio_projection.2", config.embeddingDim, config.embeddingDim)
        out += BERTModel.parameterShapes(config.text).map { ("text_branch." + $0.key, $0.shape) }
        out += R.linear("text_branch.pooler.dense", config.text.width, config.text.width)
        out += R.linear("text_projection.0", config.text.width, config.embeddingDim)
        out += R.linear("text_projection.2", config.embeddingDim, config.embeddingDim)
        return out
    }

    /// A seeded random checkpoint for `config` (see `parameterShapes`).
    public static func randomSource(config: LAIONCLAPConfig, seed: UInt64 = 0) -> DictionarySource {
        RandomWeights.source(parameterShapes(config), seed: seed, name: "<random LAION-CLAP seed \(seed)>")
    }
}
