/// Shape of a CLIP text transformer (Hugging Face `CLIPTextConfig` names in comments).
public struct CLIPTextConfig: Sendable, Equatable {
    /// `vocab_size`.
    public var vocabSize: Int
    /// `hidden_size`.
    public var width: Int
    /// `num_hidden_layers`.
    public var layers: Int
    /// `num_attention_heads`.
    public var heads: Int
    /// `intermediate_size` (4 x width in CLIP).
    public var intermediate: Int
    /// `max_position_embeddings`.
    public var maxPositions: Int
    /// `layer_norm_eps`.
    public var layerNormEps: Float

    public init(vocabSize: Int, width: Int, layers: Int, heads: Int, intermediate: Int, maxPositions: Int, layerNormEps: Float = 1e-5) {
        self.vocabSize = vocabSize; self.width = width; self.layers = layers; self.heads = heads
        self.intermediate = intermediate; self.maxPositions = maxPositions; self.layerNormEps = layerNormEps
    }

    /// `openai/clip-vit-base-patch16`'s text tower, as in PENGI's `base.pth`.
    public static let pengiBase = CLIPTextConfig(vocabSize: 49408, width: 512, layers: 12, heads: 8, intermediate: 2048, maxPositions: 77)
}
