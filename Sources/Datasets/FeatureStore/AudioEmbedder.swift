/// What the feature store needs from an audio model: a function from audio files to
/// fixed-size embeddings, and fingerprints that change whenever its output could change.
///
/// Every `AudioLanguageModel` conforms through `ModelEmbedder` (in Prompting).
/// Contract:
/// - `modelFingerprint` identifies the weights and architecture (e.g. `"pengi-base-<sha256 of
///   base.pth, first 16 hex>"`); `preprocessingFingerprint` identifies everything between the file
///   and the encoder (sample rate, clip length, crop rule, STFT/mel settings, eval/train mode),
///   e.g. `"sr44100-clip308700-tile-mel64-eval"`. Two embedders with equal fingerprints must
///   produce the same vectors for the same file: the store will mix their cached outputs.
/// - `embed(paths:)` returns one result per path, in order. A file that cannot be decoded is a
///   `.failure` for that path (the store reports it and leaves the item out); throwing means the
///   whole batch failed for a systemic reason (out of memory, a model error) and stops the run
///   (progress up to the previous batch is kept).
/// - Every successful vector has exactly `dimension` values. Not required to be normalized.
/// - The store calls it from one thread at a time with batches of at most its `batchSize`.
public protocol AudioEmbedder {
    /// Identifies the model (weights + architecture). Any string; sanitized for paths.
    var modelFingerprint: String { get }
    /// Identifies the preprocessing from file to encoder input. Any string; sanitized for paths.
    var preprocessingFingerprint: String { get }
    /// Length of every embedding.
    var dimension: Int { get }
    /// Embeds the files at `paths` (one result per path, same order).
    func embed(paths: [String]) throws -> [Result<[Float], Error>]
}
