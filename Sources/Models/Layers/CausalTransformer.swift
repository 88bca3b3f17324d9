import Tensor

// The part CLIP's text tower and GPT-2 share: learned positions added to the token embeddings,
// pre-LN layers under a causal mask, a final LayerNorm, and one pooled row per sequence (CLIP:
// the EOS; MS-CLAP 2023's GPT-2: the last non-zero id).
//
// Deliberate differences from running the whole sequence, none of which changes the pooled row:
// * Sequences are cut after the largest pooled position of the batch: under the causal mask no
//   later position can influence a pooled row, so the tail is dead work.
// * The last layer computes queries, the output projection, the MLP and the final LayerNorm
//   only at the pooled rows (everything after attention is per row); its keys and values still
//   cover every position.
// * Keys after a row's pooled position are masked as padding (the references mask their padding
//   tokens, which all come after the pooled position; under the causal mask this changes no
//   pooled row either).

/// A causal pre-LN transformer stack pooled at one position per row. Produces `[B, width]`.
public struct CausalTransformer: Sendable {
    /// Activation memory (bytes) the layers may keep for backward before they are
    /// checkpointed (recomputed in backward instead of kept): 1.5 GB.
    nonisolated(unsafe) public static var activationBudgetBytes = 1_500_000_000

    /// How many layers whose input has `activationCount` elements keep their activations for
    /// backward within `activationBudgetBytes` (about 18 tensors of the input's size each);
    /// the layers after them are checkpointed.
    public static func layersKept(activationCount: Int) -> Int {
        layersKept(bytesPerLayer: activationCount * 4 * 18)
    }

    /// How many layers that each keep `bytesPerLayer` for backward fit `activationBudgetBytes`.
    public static func layersKept(bytesPerLayer: Int) -> Int {
        activationBudgetBytes / max(1, bytesPerLayer)
    }

    /// `[maxPositions, width]` learned position embeddings.
    public let positionEmbedding: Tensor
    public let layers: [PreNormTransformerLayer]
    public let finalLayerNorm: LayerNorm
    /// The error messages' name of the tower ("CLIPTextTransformer", "GPT2").
    public let name: String

    public init(positionEmbedding: Tensor, layers: [PreNormTransformerLayer], finalLayerNorm: LayerNorm, name: String) {
        precondition(positionEmbedding.rank == 2, "position embeddings [positions, width]")
        self.positionEmbedding = positionEmbedding; self.layers = layers; self.finalLayerNorm = finalLayerNorm; self.name = name
    }

    public var width: Int { positionEmbedding.shape[1] }
    public var maxPositions: Int { positionEmbedding.shape[0] }

    /// Pooled states `[B, width]` from token *embeddings* `[B, T, width]` (before the position
    /// embedding is added) and each row's pooled position. Differentiable: gradients reach
    /// `tokenEmbeddings` (CoOp's context vectors) when it requires grad.
    public func pooled(tokenEmbeddings x: Tensor, positions eos: [Int]) throws -> Tensor {
        guard x.rank == 3, x.shape[2] == width, eos.count == x.shape[0] else {
            throw TensorError.shapeMismatch(op: name, shapes: [x.shape, [eos.count]],
                                            reason: "expected token embeddings [B, T, \(width)] and one pooled position per row")
        }
        let b = x.shape[0], t = x.shape[1]
        if let bad = eos.first(where: { $0 < 0 || $0 >= t }) {
            throw TensorError.invalidArgument(op: name, message: "pooled position \(bad) outside 0..<\(t)")
        }
        let cut = eos.max()! + 1
        guard cut <= maxPositions else {
            throw TensorError.invalidArgument(op: name, message: "sequence of \(cut) tokens exceeds \(maxPositions) positions")
        }
        let xs = cut < t ? try x.slice(axis: 1, start: 0, end: cut) : x
        var h = try xs + positionEmbedding.slice(axis: 0, start: 0, end: cut)
        // Causal [cut, cut] plus padding [B, 1, 1, cut] (keys after a row's pooled position): [B, 1, cut, cut].
        let mask = try Tensor.causalMask(cut) + Tensor.paddingMask(lengths: eos.map { $0 + 1 }, maxLength: cut)
        guard let last = layers.last else {
            return try finalLayerNorm(h.reshape([b * cut, width]).indexSelect(axis: 0, indices: eos.enumerated().map { $0.offset * cut + $0.element }))
        }
        // On the tape each layer keeps ~18 activations of h's size for backward (q, k, v, the
        // 4x-wide MLP, norms): 600 MB a layer for CoCoOp's 800 prompts at C = 50 in CLIP. As many
        // layers as fit the budget keep theirs; the rest are checkpointed (kept: the layer's
        // input; recomputed in backward), so the extra compute is only what the memory needs.
        let kept = h.requiresGrad && GradMode.isEnabled ? CausalTransformer.layersKept(activationCount: h.count) : .max
        for (i, layer) in layers.dropLast().enumerated() {
            h = i >= kept ? try h.checkpointed { try layer($0, mask: mask) } : try layer(h, mask: mask)
        }
        return try finalLayerNorm(last(h, onlyAt: eos))
    }
}
