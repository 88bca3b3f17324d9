import Tensor

// A random-weight PENGI checkpoint in the real key layout, for benchmarks and smoke tests
// without the 2.2 GB `base.pth` (drawn as `RandomCheckpoint` describes).

extension PENGIEncoders {
    /// Every parameter key of `config`'s encoders with its shape (buffers palm recomputes and
    /// keys it ignores are not included).
    public static func parameterShapes(_ config: PENGIConfig) -> [(key: String, shape: [Int])] {
        var out = ParameterShapes()
        func projection(_ p: String, _ i: Int, _ o: Int) {
            out.linear(p + ".linear1", i, o, bias: false); out.linear(p + ".linear2", o, o, bias: false); out.norm(p + ".layer_norm", o)
        }
        HTSAT.parameterShapes(config.audio, prefix: "audio_encoder.base.htsat.", into: &out)
        projection("audio_encoder.projection", config.audio.numFeatures, config.embeddingDim)
        let t = config.text, c = "caption_encoder.base."
        out.add(c + "embeddings.token_embedding.weight", [t.vocabSize, t.width])
        out.add(c + "embeddings.position_embedding.weight", [t.maxPositions, t.width])
        for i in 0..<t.layers {
            let l = c + "encoder.layers.\(i)."
            for p in ["q_proj", "k_proj", "v_proj", "out_proj"] { out.linear(l + "self_attn." + p, t.width, t.width) }
            out.norm(l + "layer_norm1", t.width)
            out.linear(l + "mlp.fc1", t.width, t.intermediate)
            out.linear(l + "mlp.fc2", t.intermediate, t.width)
            out.norm(l + "layer_norm2", t.width)
        }
        out.norm(c + "final_layer_norm", t.width)
        out.linear("caption_encoder.clip_text_projection", t.width, t.width, bias: false)
        projection("caption_encoder.projection", t.width, config.embeddingDim)
        return out.entries
    }

    /// A seeded random checkpoint for `config` in PENGI's key layout (see `parameterShapes`).
    public static func randomSource(config: PENGIConfig, seed: UInt64 = 0) -> DictionarySource {
        RandomCheckpoint.source(parameterShapes(config), seed: seed,
                                name: "<random PENGI \(config == .pengiBase ? "base" : "custom") seed \(seed)>")
    }
}
