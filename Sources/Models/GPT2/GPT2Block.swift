import Tensor

// GPT-2's block in palm's shared layers. GPT-2 stores its projections as `Conv1D` modules,
// whose `weight` is `[in, out]` (the transpose of `nn.Linear`'s) and computes `x W + b`; the
// attention's query, key and value come fused in `c_attn` (`[C, 3C]`, columns q | k | v).
// Reading them as `Linear` layers (weights transposed once at load, q/k/v split by rows)
// leaves one attention and one MLP implementation in palm; scores are scaled by head_dim^-1/2
// as GPT-2 does (`scale_attn_weights`).

extension Linear {
    /// A GPT-2 `Conv1D` (`weight` `[in, out]`, `bias` `[out]`) as a `Linear` layer.
    public init(conv1D loader: WeightLoader, inFeatures: Int, outFeatures: Int) throws {
        let w = try loader.tensor("weight", shape: [inFeatures, outFeatures])
        self.init(weight: try w.transpose(0, 1).contiguous(), bias: try loader.tensor("bias", shape: [outFeatures]))
    }
}

extension MultiHeadSelfAttention {
    /// Self-attention in GPT-2's layout, read from `loader` scoped at `h.i.attn`:
    /// `c_attn` (fused q | k | v, Conv1D `[C, 3C]`) and `c_proj` (Conv1D `[C, C]`).
    public init(gpt2 loader: WeightLoader, dim: Int, heads: Int) throws {
        precondition(dim % heads == 0, "width \(dim) is not divisible by \(heads) heads")
        let fused = try Linear(conv1D: loader.scoped("c_attn"), inFeatures: dim, outFeatures: 3 * dim)
        func part(_ i: Int) throws -> Linear {
            Linear(weight: try fused.weight.slice(axis: 0, start: i * dim, end: (i + 1) * dim).contiguous(),
                   bias: try fused.bias!.slice(axis: 0, start: i * dim, end: (i + 1) * dim).contiguous())
        }
        qProj = try part(0)
        kProj = try part(1)
        vProj = try part(2)
        outProj = try Linear(conv1D: loader.scoped("c_proj"), inFeatures: dim, outFeatures: dim)
        self.heads = heads
        self.dim = dim
    }
}

extension MLP {
    /// GPT-2's feed-forward block: `c_fc` (Conv1D, tanh GELU `gelu_new`) then `c_proj`,
    /// read from `loader` scoped at `h.i.mlp`.
    public init(gpt2 loader: WeightLoader, dim: Int, hidden: Int) throws {
        fc1 = try Linear(conv1D: loader.scoped("c_fc"), inFeatures: dim, outFeatures: hidden)
        fc2 = try Linear(conv1D: loader.scoped("c_proj"), inFeatures: hidden, outFeatures: dim)
        activation = .geluTanh
    }
}

extension PreNormTransformerLayer {
    /// A GPT-2 block (HF `GPT2Block`), read from `loader` scoped at `h.i`: `ln_1`, `attn.*`,
    /// `ln_2`, `mlp.*`.
    public init(gpt2 loader: WeightLoader, config c: GPT2Config) throws {
        self.init(selfAttention: try MultiHeadSelfAttention(gpt2: loader.scoped("attn"), dim: c.width, heads: c.heads),
                  layerNorm1: try LayerNorm(loader.scoped("ln_1"), dim: c.width, eps: c.layerNormEps),
                  mlp: try MLP(gpt2: loader.scoped("mlp"), dim: c.width, hidden: c.intermediate),
                  layerNorm2: try LayerNorm(loader.scoped("ln_2"), dim: c.width, eps: c.layerNormEps))
    }
}
