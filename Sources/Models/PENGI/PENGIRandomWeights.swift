import Tensor

// A random-weight PENGI checkpoint in the real key layout (`RandomWeights`), for benchmarks and
// smoke tests without the 2.2 GB `base.pth`.

extension PENGIEncoders {
    /// Every parameter key of `config`'s encoders with its shape (buffers palm recomputes and
    /// keys it ignores are not included).
    public static func parameterShapes(_ config: PENGIConfig) -> [(key: String, shape: [Int])] {
        typealias R = RandomWeights
        var out = config.audio.parameterShapes(prefix: "audio_encoder.base.htsat.")
        out += R.projection("audio_encoder.projection", config.audio.numFeatures, config.embeddingDim)
        let t = config.text, c = "caption_encoder.base."
        out.append((c + "embeddings.token_embedding.weight", [t.vocabSize, t.width]))
        out.append((c + "embeddings.position_embedding.weight", [t.maxPositions, t.width]))
        for i in 0..<t.layers {
            let l = c + "encoder.layers.\(i)."
            for p in ["q_proj", "k_proj", "v_proj", "out_proj"] { out += R.linear(l + "self_attn." + p, t.width, t.width) }
            out += R.norm(l + "layer_norm1", t.width)
            out += R.linear(l + "mlp.fc1", t.width, t.intermediate)
            out += R.linear(l + "mlp.fc2", t.intermediate, t.width)
            out += R.norm(l + "layer_norm2", t.width)
        }
        out += R.norm(c + "final_layer_norm", t.width)
        out += R.linear("caption_encoder.clip_text_projection", t.width, t.width, bias: false)
        out += R.projection("caption_encoder.projection", t.width, config.embeddingDim)
        return out
    }

    /// A seeded random checkpoint for `config` in PENGI's key layout (see `parameterShapes`).
    public static func randomSource(config: PENGIConfig, seed: UInt64 = 0) -> DictionarySource {
        RandomWeights.source(parameterShapes(config), seed: seed, name: "<random PENGI \(config == .pengiBase ? "base" : "custom") seed \(seed)>")
    }
}
