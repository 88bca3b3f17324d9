import Tensor

// A random-weight LAION-CLAP checkpoint in the released key layout (without `module.`, which
// the loader accepts either way), drawn as `RandomCheckpoint` describes.

extension LAIONCLAPEncoders {
    /// Every parameter key of `config`'s encoders with its shape (recomputed buffers and
    /// ignored keys not included).
    public static func parameterShapes(_ config: LAIONCLAPConfig) -> [(key: String, shape: [Int])] {
        var out = ParameterShapes()
        switch config.audio {
        case .htsat(let c): HTSAT.parameterShapes(c, prefix: "audio_branch.", into: &out)
        case .cnn14(let c): for (key, shape) in CNN14.parameterShapes(c) { out.add("audio_branch." + key, shape) }
        }
        out.linear("audio_projection.0", config.audio.features, config.embeddingDim)
        out.linear("audio_projection.2", config.embeddingDim, config.embeddingDim)
        for (key, shape) in BERTModel.parameterShapes(config.text) { out.add("text_branch." + key, shape) }
        out.linear("text_branch.pooler.dense", config.text.width, config.text.width)
        out.linear("text_projection.0", config.text.width, config.embeddingDim)
        out.linear("text_projection.2", config.embeddingDim, config.embeddingDim)
        return out.entries
    }

    /// A seeded random checkpoint for `config` (see `parameterShapes`).
    public static func randomSource(config: LAIONCLAPConfig, seed: UInt64 = 0) -> DictionarySource {
        RandomCheckpoint.source(parameterShapes(config), seed: seed, name: "<random LAION-CLAP seed \(seed)>")
    }
}
