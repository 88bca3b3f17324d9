import Tensor

// A random-weight PENGI checkpoint in the real key layout, for benchmarks and smoke tests
// without the 2.2 GB `base.pth`. Linear/conv weights ~ N(0, 1/fan_in), LayerNorm weights near 1,
// biases and position tables small, bn0 running statistics in the log-mel's dB range; the
// outputs are meaningless but the arithmetic (and its cost) is that of the real model.

extension PENGIEncoders {
    /// Every parameter key of `config`'s encoders with its shape (buffers palm recomputes and
    /// keys it ignores are not included).
    public static func parameterShapes(_ config: PENGIConfig) -> [(key: String, shape: [Int])] {
        var out: [(String, [Int])] = []
        func linear(_ p: String, _ i: Int, _ o: Int, bias: Bool = true) {
            out.append((p + ".weight", [o, i]))
            if bias { out.append((p + ".bias", [o])) }
        }
        func norm(_ p: String, _ d: Int) { out.append((p + ".weight", [d])); out.append((p + ".bias", [d])) }
        func projection(_ p: String, _ i: Int, _ o: Int) {
            linear(p + ".linear1", i, o, bias: false); linear(p + ".linear2", o, o, bias: false); norm(p + ".layer_norm", o)
        }
        let a = config.audio, h = "audio_encoder.base.htsat."
        for k in ["weight", "bias", "running_mean", "running_var"] { out.append((h + "bn0." + k, [a.melBins])) }
        out.append((h + "patch_embed.proj.weight", [a.embedDim, 1, a.patchSize, a.patchSize]))
        out.append((h + "patch_embed.proj.bias", [a.embedDim]))
        norm(h + "patch_embed.norm", a.embedDim)
        for i in 0..<a.depths.count {
            let dim = a.embedDim << i, window = min(a.window, a.resolution(stage: i))
            for j in 0..<a.depths[i] {
                let b = h + "layers.\(i).blocks.\(j)."
                norm(b + "norm1", dim)
                linear(b + "attn.qkv", dim, 3 * dim)
                linear(b + "attn.proj", dim, dim)
                out.append((b + "attn.relative_position_bias_table", [(2 * window - 1) * (2 * window - 1), a.heads[i]]))
                norm(b + "norm2", dim)
                linear(b + "mlp.fc1", dim, dim * a.mlpRatio)
                linear(b + "mlp.fc2", dim * a.mlpRatio, dim)
            }
            if i < a.depths.count - 1 {
                norm(h + "layers.\(i).downsample.norm", 4 * dim)
                linear(h + "layers.\(i).downsample.reduction", 4 * dim, 2 * dim, bias: false)
            }
        }
        norm(h + "norm", a.numFeatures)
        projection("audio_encoder.projection", a.numFeatures, config.embeddingDim)
        let t = config.text, c = "caption_encoder.base."
        out.append((c + "embeddings.token_embedding.weight", [t.vocabSize, t.width]))
        out.append((c + "embeddings.position_embedding.weight", [t.maxPositions, t.width]))
        for i in 0..<t.layers {
            let l = c + "encoder.layers.\(i)."
            for p in ["q_proj", "k_proj", "v_proj", "out_proj"] { linear(l + "self_attn." + p, t.width, t.width) }
            norm(l + "layer_norm1", t.width)
            linear(l + "mlp.fc1", t.width, t.intermediate)
            linear(l + "mlp.fc2", t.intermediate, t.width)
            norm(l + "layer_norm2", t.width)
        }
        norm(c + "final_layer_norm", t.width)
        linear("caption_encoder.clip_text_projection", t.width, t.width, bias: false)
        projection("caption_encoder.projection", t.width, config.embeddingDim)
        return out
    }

    /// A seeded random checkpoint for `config` in PENGI's key layout (see `parameterShapes`).
    public static func randomSource(config: PENGIConfig, seed: UInt64 = 0) -> DictionarySource {
        var g = SeededGenerator(seed: seed)
        var tensors: [String: Tensor] = [:]
        for (key, shape) in parameterShapes(config) {
            let leaf = key.split(separator: ".").last!
            let isNorm = key.contains("norm") || key.contains("bn0")
            let t: Tensor
            switch leaf {
            case "running_mean": t = Tensor.normal(shape, mean: -20, std: 5, generator: &g)
            case "running_var": t = Tensor.uniform(shape, low: 50, high: 100, generator: &g)
            case "weight" where shape.count == 1 && isNorm: t = Tensor.normal(shape, mean: 1, std: 0.1, generator: &g)
            case "weight" where shape.count > 1 && !key.contains("embedding"):
                t = Tensor.normal(shape, std: 1 / Float(shape.dropFirst().reduce(1, *)).squareRoot(), generator: &g)
            default: t = Tensor.normal(shape, std: 0.1, generator: &g)
            }
            tensors[key] = t
        }
        return DictionarySource(tensors, name: "<random PENGI \(config == .pengiBase ? "base" : "custom") seed \(seed)>")
    }
}
