/// Shape of a text transformer stack: CLIP's text tower and GPT-2 share every field (Hugging
/// Face names: `CLIPTextConfig` / `GPT2Config`), so they share this type.
public struct TextTransformerShape: Sendable, Equatable {
    /// `vocab_size`.
    public var vocabSize: Int
    /// `hidden_size` / `n_embd`.
    public var width: Int
    /// `num_hidden_layers` / `n_layer`.
    public var layers: Int
    /// `num_attention_heads` / `n_head`.
    public var heads: Int
    /// `intermediate_size` / `n_inner` (4 x width when not given, as both default).
    public var intermediate: Int
    /// `max_position_embeddings` / `n_positions`.
    public var maxPositions: Int
    /// `layer_norm_eps` / `layer_norm_epsilon`.
    public var layerNormEps: Float

    public init(vocabSize: Int, width: Int, layers: Int, heads: Int, intermediate: Int? = nil, maxPositions: Int = 1024,
                layerNormEps: Float = 1e-5) {
        self.vocabSize = vocabSize; self.width = width; self.layers = layers; self.heads = heads
        self.intermediate = intermediate ?? 4 * width; self.maxPositions = maxPositions; self.layerNormEps = layerNormEps
    }
}

/// A CLIP text tower's shape.
public typealias CLIPTextConfig = TextTransformerShape
/// A GPT-2 tower's shape.
public typealias GPT2Config = TextTransformerShape

extension TextTransformerShape {
    /// `openai/clip-vit-base-patch16`'s text tower, as in PENGI's `base.pth`.
    public static let pengiBase = CLIPTextConfig(vocabSize: 49408, width: 512, layers: 12, heads: 8, intermediate: 2048, maxPositions: 77)
    /// `gpt2` (124M): 12 layers of width 768, 12 heads, 1024 positions, vocabulary 50257.
    public static let gpt2Base = GPT2Config(vocabSize: 50257, width: 768, layers: 12, heads: 12)
}
