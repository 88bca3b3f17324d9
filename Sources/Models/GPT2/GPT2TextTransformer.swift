import Tensor

// GPT-2 as a text tower pooled at one position per row.
//
// Provenance: Hugging Face transformers `GPT2Model` (models/gpt2/modeling_gpt2.py), which
// MS-CLAP 2023 (msclap `models/clap.py` `TextEncoder`, text model 'gpt2') loads with
// `AutoModel.from_pretrained('gpt2')` and stores under `caption_encoder.base.`:
//   wte.weight [vocab, C], wpe.weight [positions, C],
//   h.i.ln_1, h.i.attn.c_attn (Conv1D [C, 3C]), h.i.attn.c_proj (Conv1D [C, C]), h.i.ln_2,
//   h.i.mlp.c_fc (Conv1D [C, 4C]), h.i.mlp.c_proj (Conv1D [4C, C]), ln_f.
// Forward (eval, no dropout): wte[ids] + wpe[0..<T], pre-LN blocks under the causal mask
// (MLP with `gelu_new`, the tanh GELU), ln_f; the caller picks the pooled rows. GPT-2 has no
// start token and no pooler. Older transformers versions also saved each block's causal-mask
// buffers `attn.bias` and `attn.masked_bias`: palm builds its own mask and skips them
// (`ignoredKeys`).

/// GPT-2 (`GPT2Model` layout). Produces the hidden state `[B, width]` at each row's pooled position.
public struct GPT2TextTransformer: Sendable {
    public let config: GPT2Config
    /// `wte`: token embeddings `[vocab, width]`.
    public let tokenEmbedding: Embedding
    /// `wpe`, the blocks `h.i` and `ln_f`.
    public let stack: CausalTransformer

    /// Loads from `loader` scoped at the tower (MS-CLAP 2023: `caption_encoder.base`).
    public init(_ loader: WeightLoader, config c: GPT2Config) throws {
        config = c
        tokenEmbedding = try Embedding(loader.scoped("wte"), count: c.vocabSize, dim: c.width)
        let positions = try Embedding(loader.scoped("wpe"), count: c.maxPositions, dim: c.width)
        let h = loader.scoped("h")
        stack = CausalTransformer(positionEmbedding: positions.weight,
                                  layers: try (0..<c.layers).map { try PreNormTransformerLayer(gpt2: h.scoped($0), config: c) },
                                  finalLayerNorm: try LayerNorm(loader.scoped("ln_f"), dim: c.width, eps: c.layerNormEps),
                                  name: "GPT2")
    }

    /// The keys below the tower's scope that palm leaves unread: the causal-mask buffers some
    /// transformers versions saved (`h.i.attn.bias`, `h.i.attn.masked_bias`).
    public static func ignoredKeys(_ config: GPT2Config) -> [String] {
        (0..<config.layers).flatMap { ["h.\($0).attn.bias", "h.\($0).attn.masked_bias"] }
    }

    /// Token embeddings `[B, T, width]` (`wte` rows, before the positions) of equally long id rows.
    public func tokenEmbeddings(ids: [[Int]]) throws -> Tensor {
        guard let t = ids.first?.count, t > 0, ids.allSatisfy({ $0.count == t }) else {
            throw TensorError.invalidArgument(op: "GPT2", message: "id rows must be non-empty and of equal length")
        }
        return try tokenEmbedding(ids.flatMap { $0 }, shape: [ids.count, t])
    }

    /// Hidden states `[B, width]` after `ln_f` at `positions` for id rows `ids` (equal length),
    /// without the tape. Rows of similar length run together, each group embedded and cut up
    /// to its own largest position (`CausalTransformer.pooledInBuckets`).
    public func pooled(ids: [[Int]], positions: [Int]) throws -> Tensor {
        guard ids.count == positions.count, let cut = positions.max().map({ $0 + 1 }), ids.allSatisfy({ $0.count >= cut }) else {
            throw TensorError.invalidArgument(op: "GPT2", message: "one pooled position per id row, inside the row")
        }
        return try GradMode.withoutGrad {
            try stack.pooledInBuckets(positions: positions) { rows, cut in try tokenEmbeddings(ids: rows.map { Array(ids[$0].prefix(cut)) }) }
        }
    }

    /// Hidden states `[B, width]` after `ln_f` at `positions`, from token embeddings `[B, T, width]`
    /// (before the positions). Differentiable in the embeddings (CoOp's context vectors).
    public func pooled(tokenEmbeddings: Tensor, positions: [Int]) throws -> Tensor {
        try stack.pooled(tokenEmbeddings: tokenEmbeddings, positions: positions)
    }
}
