import Tensor

// The CLIP text transformer as PENGI uses it.
//
// Provenance: Hugging Face transformers `CLIPTextModel` (models/clip/modeling_clip.py), which is
// what PENGI (microsoft/Pengi models/pengi.py `TextEncoder`) loads for
// `openai/clip-vit-base-patch16` and stores under `caption_encoder.base.`:
//   embeddings.token_embedding, embeddings.position_embedding, encoder.layers.i.*,
//   final_layer_norm. (`embeddings.position_ids` is an arange buffer: checked, not loaded.)
// Forward: token embedding + position embedding, pre-LN layers with a causal mask (plus the
// tokenizer's padding mask), final LayerNorm, and the pooled state at the *first* EOS, which
// PENGI's CLIP finds as `argmax(input_ids)` (EOS 49407 is the largest id).
//
// The shared causal stack (`CausalTransformer`) cuts sequences after the longest EOS and runs the
// last layer only at the EOS rows; see there.

/// CLIP text tower (`CLIPTextModel` layout). Produces the pooled EOS state `[B, width]`.
public struct CLIPTextTransformer: Sendable {
    public let config: CLIPTextConfig
    public let tokenEmbedding: Embedding
    /// Positions, layers and final LayerNorm.
    public let stack: CausalTransformer
    public var layers: [PreNormTransformerLayer] { stack.layers }
    public var finalLayerNorm: LayerNorm { stack.finalLayerNorm }

    /// Loads from `loader` scoped at the tower (PENGI: `caption_encoder.base`). When present,
    /// `embeddings.position_ids` must be `0..<maxPositions` and is reported as recomputed.
    public init(_ loader: WeightLoader, config c: CLIPTextConfig, recomputed: inout [String]) throws {
        config = c
        let emb = loader.scoped("embeddings")
        tokenEmbedding = try Embedding(emb.scoped("token_embedding"), count: c.vocabSize, dim: c.width)
        let positionEmbedding = try Embedding(emb.scoped("position_embedding"), count: c.maxPositions, dim: c.width)
        if emb.contains("position_ids") {
            let ids = try emb.tensor("position_ids", shape: [1, c.maxPositions])
            guard ids.toArray() == (0..<c.maxPositions).map(Float.init) else {
                throw CheckpointError.malformed(path: loader.source.sourceName, reason: "'\(emb.key("position_ids"))' is not 0..<\(c.maxPositions)")
            }
            recomputed.append(emb.key("position_ids"))
        }
        let enc = loader.scoped("encoder").scoped("layers")
        stack = CausalTransformer(positionEmbedding: positionEmbedding.weight,
                                  layers: try (0..<c.layers).map { try PreNormTransformerLayer(clip: enc.scoped($0), config: c) },
                                  finalLayerNorm: try LayerNorm(loader.scoped("final_layer_norm"), dim: c.width, eps: c.layerNormEps),
                                  name: "CLIPTextTransformer")
    }

    /// Pooled EOS states `[B, width]` for token ids `[B, T]` (row-major `ids`), pooled at the
    /// first occurrence of each row's largest id (PENGI's `argmax(input_ids)`), which is the EOS.
    /// Runs without the tape.
    public func pooled(ids: [Int], shape: [Int]) throws -> Tensor {
        guard shape.count == 2, shape[0] * shape[1] == ids.count, shape[1] > 0 else {
            throw TensorError.invalidArgument(op: "CLIPTextTransformer", message: "ids must be [B, T] with \(ids.count) elements, got shape \(shape)")
        }
        let b = shape[0], t = shape[1]
        let eos = (0..<b).map { r in CLIPTextTransformer.firstArgmax(ids[(r * t)..<((r + 1) * t)]) }
        return try GradMode.withoutGrad {
            // Rows of similar length run together, each group cut at its own longest EOS.
            try stack.pooledInBuckets(positions: eos) { rows, cut in
                try tokenEmbedding(rows.flatMap { r in ids[(r * t)..<(r * t + cut)] }, shape: [rows.count, cut])
            }
        }
    }

    /// Pooled EOS states `[B, width]` from token *embeddings* `[B, T, width]` (before the
    /// position embedding is added) and each row's EOS position. Differentiable: gradients
    /// reach `tokenEmbeddings` (CoOp's context vectors) when it requires grad.
    public func pooled(tokenEmbeddings x: Tensor, eosPositions eos: [Int]) throws -> Tensor {
        try stack.pooled(tokenEmbeddings: x, positions: eos)
    }

    /// The EOS position of one id row: the index of its first maximum (`torch.argmax` returns
    /// the first on ties; PENGI pads with EOS, the largest id).
    public static func firstArgmax(_ row: ArraySlice<Int>) -> Int {
        var best = row.first!, bi = 0
        for (i, v) in row.enumerated() where v > best { best = v; bi = i }
        return bi
    }
}
