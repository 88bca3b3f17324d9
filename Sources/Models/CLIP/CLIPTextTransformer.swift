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
// Deliberate differences that do not change the pooled output:
// * Sequences are cut after the longest EOS in the batch: under the causal mask no position
//   after a row's EOS can influence that row's EOS state, so the tail is dead work.
// * The last layer computes queries, the output projection, the MLP and the final LayerNorm
//   only at the EOS rows (everything after attention is per row, and only EOS rows are pooled);
//   its keys and values still cover every position.
// The padding mask is still applied, so positions before the cut see exactly what HF's do.

/// CLIP text tower (`CLIPTextModel` layout). Produces the pooled EOS state `[B, width]`.
public struct CLIPTextTransformer: Sendable {
    /// Activation memory (bytes) the layers may keep for backward before they are
    /// checkpointed (recomputed in backward instead of kept): 1.5 GB.
    nonisolated(unsafe) public static var activationBudgetBytes = 1_500_000_000

    public let config: CLIPTextConfig
    public let tokenEmbedding: Embedding
    public let positionEmbedding: Embedding
    public let layers: [CLIPEncoderLayer]
    public let finalLayerNorm: LayerNorm

    /// Loads from `loader` scoped at the tower (PENGI: `caption_encoder.base`). When present,
    /// `embeddings.position_ids` must be `0..<maxPositions` and is reported as recomputed.
    public init(_ loader: WeightLoader, config c: CLIPTextConfig, recomputed: inout [String]) throws {
        config = c
        let emb = loader.scoped("embeddings")
        tokenEmbedding = try Embedding(emb.scoped("token_embedding"), count: c.vocabSize, dim: c.width)
        positionEmbedding = try Embedding(emb.scoped("position_embedding"), count: c.maxPositions, dim: c.width)
        if emb.contains("position_ids") {
            let ids = try emb.tensor("position_ids", shape: [1, c.maxPositions])
            guard ids.toArray() == (0..<c.maxPositions).map(Float.init) else {
                throw CheckpointError.malformed(path: loader.source.sourceName, reason: "'\(emb.key("position_ids"))' is not 0..<\(c.maxPositions)")
            }
            recomputed.append(emb.key("position_ids"))
        }
        let enc = loader.scoped("encoder").scoped("layers")
        layers = try (0..<c.layers).map { try CLIPEncoderLayer(enc.scoped($0), config: c) }
        finalLayerNorm = try LayerNorm(loader.scoped("final_layer_norm"), dim: c.width, eps: c.layerNormEps)
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
        let cut = (eos.max() ?? 0) + 1
        var kept: [Int] = []
        kept.reserveCapacity(b * cut)
        for r in 0..<b { kept.append(contentsOf: ids[(r * t)..<(r * t + cut)]) }
        return try GradMode.withoutGrad {
            try pooled(tokenEmbeddings: tokenEmbedding(kept, shape: [b, cut]), eosPositions: eos)
        }
    }

    /// Pooled EOS states `[B, width]` from token *embeddings* `[B, T, width]` (before the
    /// position embedding is added) and each row's EOS position. Differentiable: gradients
    /// reach `tokenEmbeddings` (CoOp's context vectors) when it requires grad.
    public func pooled(tokenEmbeddings x: Tensor, eosPositions eos: [Int]) throws -> Tensor {
        guard x.rank == 3, x.shape[2] == config.width, eos.count == x.shape[0] else {
            throw TensorError.shapeMismatch(op: "CLIPTextTransformer", shapes: [x.shape, [eos.count]],
                                            reason: "expected token embeddings [B, T, \(config.width)] and one EOS position per row")
        }
        let b = x.shape[0], t = x.shape[1]
        if let bad = eos.first(where: { $0 < 0 || $0 >= t }) {
            throw TensorError.invalidArgument(op: "CLIPTextTransformer", message: "EOS position \(bad) outside 0..<\(t)")
        }
        let cut = eos.max()! + 1
        guard cut <= config.maxPositions else {
            throw TensorError.invalidArgument(op: "CLIPTextTransformer", message: "sequence of \(cut) tokens exceeds \(config.maxPositions) positions")
        }
        let xs = cut < t ? try x.slice(axis: 1, start: 0, end: cut) : x
        var h = try xs + positionEmbedding.weight.slice(axis: 0, start: 0, end: cut)
        // Causal [cut, cut] plus padding [B, 1, 1, cut] (keys after a row's EOS): [B, 1, cut, cut].
        let mask = try Tensor.causalMask(cut) + Tensor.paddingMask(lengths: eos.map { $0 + 1 }, maxLength: cut)
        guard let last = layers.last else {
            return try finalLayerNorm(h.reshape([b * cut, config.width]).indexSelect(axis: 0, indices: eos.enumerated().map { $0.offset * cut + $0.element }))
        }
        // On the tape each layer keeps ~18 activations of h's size for backward (q, k, v, the
        // 4x-wide MLP, norms): 600 MB a layer for CoCoOp's 800 prompts at C = 50. Past the
        // budget the layers are checkpointed (kept: each layer's input; recomputed in backward).
        let checkpoint = h.requiresGrad && GradMode.isEnabled
            && h.count * 4 * 18 * (layers.count - 1) > CLIPTextTransformer.activationBudgetBytes
        for layer in layers.dropLast() {
            h = checkpoint ? try h.checkpointed { try layer($0, mask: mask) } : try layer(h, mask: mask)
        }
        return try finalLayerNorm(last(h, onlyAt: eos))
    }

    /// The EOS position of one id row: the index of its first maximum (`torch.argmax` returns
    /// the first on ties; PENGI pads with EOS, the largest id).
    public static func firstArgmax(_ row: ArraySlice<Int>) -> Int {
        var best = row.first!, bi = 0
        for (i, v) in row.enumerated() where v > best { best = v; bi = i }
        return bi
    }
}
