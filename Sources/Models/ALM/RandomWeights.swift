import Tensor

// Seeded random checkpoints in a model's real key layout, for benchmarks, smoke tests and the
// `-random` model kinds: the outputs mean nothing, but the arithmetic (and its cost) is that of
// the real model. Weights ~ N(0, 1/fan_in), norm scales near 1, biases and embedding tables
// small, bn0's running statistics in the log-mel's dB range and other BatchNorms' near (0, 1).

public enum RandomWeights {
    /// One tensor per `(key, shape)`, drawn in order from one generator seeded with `seed`.
    /// `fanIn` gives a weight matrix's fan-in (default: the product of all but the first axis,
    /// PyTorch's `[out, in, ...]`; GPT-2's `Conv1D` stores `[in, out]`).
    public static func source(_ shapes: [(key: String, shape: [Int])], seed: UInt64, name: String,
                              fanIn: (String, [Int]) -> Int = { _, shape in shape.dropFirst().reduce(1, *) }) -> DictionarySource {
        var g = SeededGenerator(seed: seed)
        var tensors: [String: Tensor] = [:]
        for (key, shape) in shapes {
            let leaf = key.split(separator: ".").last!
            // bn0 normalises the log-mel (dB); BatchNorms inside a CNN see activations near (0, 1).
            let onLogMel = key.contains("bn0.")
            let isTable = key.contains("embedding") || key.contains(".wte.") || key.contains(".wpe.")
            let t: Tensor
            switch leaf {
            case "running_mean": t = onLogMel ? Tensor.normal(shape, mean: -20, std: 5, generator: &g) : Tensor.normal(shape, std: 0.1, generator: &g)
            case "running_var": t = onLogMel ? Tensor.uniform(shape, low: 50, high: 100, generator: &g) : Tensor.uniform(shape, low: 0.5, high: 1.5, generator: &g)
            // A one-dimensional weight is a LayerNorm's or BatchNorm's scale.
            case "weight" where shape.count == 1: t = Tensor.normal(shape, mean: 1, std: 0.1, generator: &g)
            case "weight" where shape.count > 1 && !isTable:
                t = Tensor.normal(shape, std: 1 / Float(fanIn(key, shape)).squareRoot(), generator: &g)
            default: t = Tensor.normal(shape, std: 0.1, generator: &g)
            }
            tensors[key] = t
        }
        return DictionarySource(tensors, name: name)
    }

    /// `weight` `[out, in]` (and `bias` `[out]`) of an `nn.Linear` under `prefix`.
    public static func linear(_ prefix: String, _ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) -> [(key: String, shape: [Int])] {
        [(prefix + ".weight", [outFeatures, inFeatures])] + (bias ? [(prefix + ".bias", [outFeatures])] : [])
    }

    /// `weight` and `bias` `[dim]` of a LayerNorm under `prefix`.
    public static func norm(_ prefix: String, _ dim: Int) -> [(key: String, shape: [Int])] {
        [(prefix + ".weight", [dim]), (prefix + ".bias", [dim])]
    }

    /// The keys of a `Projection` (PENGI / MS-CLAP) under `prefix`.
    public static func projection(_ prefix: String, _ inFeatures: Int, _ outFeatures: Int) -> [(key: String, shape: [Int])] {
        linear(prefix + ".linear1", inFeatures, outFeatures, bias: false) + linear(prefix + ".linear2", outFeatures, outFeatures, bias: false)
            + norm(prefix + ".layer_norm", outFeatures)
    }
}

extension HTSATConfig {
    /// Every parameter key of the HTSAT tower under `prefix` (e.g. `audio_encoder.base.htsat.`)
    /// with its shape; buffers palm recomputes and keys it ignores are not included.
    public func parameterShapes(prefix h: String) -> [(key: String, shape: [Int])] {
        typealias R = RandomWeights
        var out: [(key: String, shape: [Int])] = []
        for k in ["weight", "bias", "running_mean", "running_var"] { out.append((h + "bn0." + k, [melBins])) }
        out.append((h + "patch_embed.proj.weight", [embedDim, 1, patchSize, patchSize]))
        out.append((h + "patch_embed.proj.bias", [embedDim]))
        out += R.norm(h + "patch_embed.norm", embedDim)
        if fusion { out += HTSATFusion.parameterShapes(self, prefix: h + "patch_embed.") }
        for i in 0..<depths.count {
            let dim = embedDim << i, w = min(window, resolution(stage: i))
            for j in 0..<depths[i] {
                let b = h + "layers.\(i).blocks.\(j)."
                out += R.norm(b + "norm1", dim)
                out += R.linear(b + "attn.qkv", dim, 3 * dim)
                out += R.linear(b + "attn.proj", dim, dim)
                out.append((b + "attn.relative_position_bias_table", [(2 * w - 1) * (2 * w - 1), heads[i]]))
                out += R.norm(b + "norm2", dim)
                out += R.linear(b + "mlp.fc1", dim, dim * mlpRatio)
                out += R.linear(b + "mlp.fc2", dim * mlpRatio, dim)
            }
            if i < depths.count - 1 {
                out += R.norm(h + "layers.\(i).downsample.norm", 4 * dim)
                out += R.linear(h + "layers.\(i).downsample.reduction", 4 * dim, 2 * dim, bias: false)
            }
        }
        out += R.norm(h + "norm", numFeatures)
        return out
    }
}
