import Audio
import Tensor

/// How a model reads audio files into its encoder: the preprocessing (decode, resample, clip,
/// log-mel), how many clips go through the encoder at once, and how many threads decode and
/// compute log-mels (the encoder itself uses OpenBLAS's threads). A model made with another
/// front-end (`withPreprocessing`) keeps the batch size and threads.
public struct AudioFrontEnd: Sendable {
    public var preprocessing: PreprocessingConfig
    /// Clips per encoder batch.
    public var batchSize = 8
    /// Threads for decoding and log-mel.
    public var threads = 2

    public init(preprocessing: PreprocessingConfig) { self.preprocessing = preprocessing }

    /// The same batch size and threads with another preprocessing.
    public func with(_ preprocessing: PreprocessingConfig) -> AudioFrontEnd {
        var copy = self
        copy.preprocessing = preprocessing
        return copy
    }

    /// One `[d]` result per file, in order (`LogMelBatches.embed`): `encode` maps a batch of
    /// log-mels `[B, 1, T, mels]` to `[B, d]`.
    public func embed(paths: [String], encode: (Tensor) throws -> Tensor) throws -> [Result<[Float], Error>] {
        try LogMelBatches.embed(paths: paths, preprocessing: preprocessing, batchSize: batchSize, threads: threads, encode: encode)
    }
}
