/// Shape of a GPT-2 transformer (Hugging Face `GPT2Config` names in comments).
public struct GPT2Config: Sendable, Equatable {
    /// `vocab_size`.
    public var vocabSize: Int
    /// `n_embd`.
    public var width: Int
    /// `n_layer`.
    public var layers: Int
    /// `n_head`.
    public var heads: Int
    /// `n_inner` (4 x width when unset).
    public var intermediate: Int
    /// `n_positions`.
    public var maxPositions: Int
    /// `layer_norm_epsilon`.
    public var layerNormEps: Float

    public init(vocabSize: Int, width: Int, layers: Int, heads: Int, intermediate: Int? = nil, maxPositions: Int = 1024,
                layerNormEps: Float = 1e-5) {
        self.vocabSize = vocabSize; self.width = width; self.layers = layers; self.heads = heads
        self.intermediate = intermediate ?? 4 * width; self.maxPositions = maxPositions; self.layerNormEps = layerNormEps
    }

    /// `gpt2` (124M): 12 layers of width 768, 12 heads, 1024 positions, vocabulary 50257.
    public static let base = GPT2Config(vocabSize: 50257, width: 768, layers: 12, heads: 12)
}
