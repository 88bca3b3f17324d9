extension HTSAT {
    /// Every parameter of the tower for `config`, keys under `prefix` (e.g.
    /// `audio_encoder.base.htsat.`), in checkpoint order; recomputed buffers and ignored keys
    /// are not included.
    public static func parameterShapes(_ a: HTSATConfig, prefix h: String, into out: inout ParameterShapes) {
        for k in ["weight", "bias", "running_mean", "running_var"] { out.add(h + "bn0." + k, [a.melBins]) }
        out.add(h + "patch_embed.proj.weight", [a.embedDim, 1, a.patchSize, a.patchSize])
        out.add(h + "patch_embed.proj.bias", [a.embedDim])
        out.norm(h + "patch_embed.norm", a.embedDim)
        for i in 0..<a.depths.count {
            let dim = a.embedDim << i, window = min(a.window, a.resolution(stage: i))
            for j in 0..<a.depths[i] {
                let b = h + "layers.\(i).blocks.\(j)."
                out.norm(b + "norm1", dim)
                out.linear(b + "attn.qkv", dim, 3 * dim)
                out.linear(b + "attn.proj", dim, dim)
                out.add(b + "attn.relative_position_bias_table", [(2 * window - 1) * (2 * window - 1), a.heads[i]])
                out.norm(b + "norm2", dim)
                out.linear(b + "mlp.fc1", dim, dim * a.mlpRatio)
                out.linear(b + "mlp.fc2", dim * a.mlpRatio, dim)
            }
            if i < a.depths.count - 1 {
                out.norm(h + "layers.\(i).downsample.norm", 4 * dim)
                out.linear(h + "layers.\(i).downsample.reduction", 4 * dim, 2 * dim, bias: false)
            }
        }
        out.norm(h + "norm", a.numFeatures)
    }
}
