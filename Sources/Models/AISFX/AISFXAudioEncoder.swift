import Audio
import Foundation
import Tensor

/// aisfx end to end: audio file -> palm's aisfx front-end (`PreprocessingConfig.aisfx`:
/// mono mean, 44.1 kHz, peak-normalised, HTK log-mel 96, blocks of 100 frames hop 50,
/// time-major) -> `AISFXEmbeddingNet` -> one 512-d clip embedding, the mean of the clip's
/// block embeddings (palm's rule; aisfx itself stops at block embeddings).
public final class AISFXAudioEncoder: @unchecked Sendable {
    public let net: AISFXEmbeddingNet
    public let preprocessor: Preprocessor
    /// The checkpoint the weights came from.
    public let checkpoint: String
    /// Identifies the weights (`aisfx-<hash>` of the `embedding_net.*` keys).
    public let fingerprint: String
    /// Embedding width (512).
    public var dimension: Int { net.config.dimension }

    public init(checkpoint path: String, config: AISFXConfig = .aisfx012) throws {
        let source = try PyTorchCheckpoint(path: path)
        net = try AISFXEmbeddingNet(source, config: config)
        fingerprint = try WeightFingerprint.of(source, prefix: "aisfx", keys: source.keys.filter { $0.hasPrefix("embedding_net.") })
        preprocessor = Preprocessor(config: .aisfx)
        checkpoint = path
    }

    /// The same network (shared) reading audio through `preprocessing`.
    public init(sharing other: AISFXAudioEncoder, preprocessing: PreprocessingConfig) {
        net = other.net
        fingerprint = other.fingerprint
        checkpoint = other.checkpoint
        preprocessor = Preprocessor(config: preprocessing)
    }

    /// Clip embeddings, one result per file (an unreadable file is a failure in its slot and the
    /// rest go on); `statistics` replace the BatchNorms' running statistics.
    public func embedAudio(paths: [String], statistics: [String: BatchNormStatistics]?) throws -> [Result<[Float], Error>] {
        preprocessor.featuresAll(paths, threads: 2).map { r -> Result<[Float], Error> in
            switch r {
            case .success(let blocks): return Result { try net.clipEmbedding(blocks: blocks, statistics: statistics).toArray() }
            case .failure(let e): return .failure(e)
            }
        }
    }

    /// Train mode: clip embeddings `[n, 512]` of one training batch, every block of every clip
    /// normalised together by the BatchNorms (as the batch is in `model.train()`), moving
    /// `statistics`. A file that cannot be read throws, naming it.
    public func embedTraining(paths: [String], statistics: inout [String: BatchNormStatistics]) throws -> Tensor {
        let clips = try preprocessor.featuresAll(paths, threads: 2).enumerated().map { i, r in
            try r.mapError { TrainingInputError(path: paths[i], reason: "\($0)") }.get()
        }
        let blocks = try net.training(Tensor.concat(clips, axis: 0), statistics: &statistics)  // [sum of blocks, 512]
        var means: [Tensor] = [], start = 0
        for c in clips {
            let n = c.shape[0]
            means.append(try blocks.slice(axis: 0, start: start, end: start + n).mean(axis: 0))
            start += n
        }
        return try Tensor.stack(means)
    }

}
