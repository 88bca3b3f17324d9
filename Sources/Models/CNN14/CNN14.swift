import Tensor

// PANNs' CNN14 as an audio tower, eval mode.
//
// Provenance: PyPI `msclap` 1.3.4 `models/audio.py` (`Cnn14`, `ConvBlock`), itself PANNs'
// `Cnn14` (qiuqiangkong/audioset_tagging_cnn). Forward from the log-mel on:
//   x [B, 1, T, 64] -> bn0 over the mel axis -> conv_block1..5 (avg-pool 2x2) ->
//   conv_block6 (pool 1x1: none) -> mean over mel -> max + mean over time -> fc1 -> ReLU
//   = `embedding`.
// Dropout is inactive in eval. `fc_audioset` (the AudioSet classifier, `clipwise_output`) does
// not feed the embedding: its keys are accepted and not read. The log-mel front-end
// (torchlibrosa `Spectrogram` + `LogmelFilterBank`, whose STFT kernels and `melW` are
// parameters in the state dict) is palm's `Preprocessor`; `checkFilterbank` compares a
// checkpoint's `melW` with it.
//
// Key layout under the tower's prefix (MS-CLAP: `audio_encoder.base.`): `bn0.*`,
// `conv_block{1..6}.{conv1,bn1,conv2,bn2}.*`, `fc1.{weight,bias}`, and the unread
// `fc_audioset.*`, `spectrogram_extractor.stft.conv_{real,imag}.weight`,
// `logmel_extractor.melW`.

/// CNN14: log-mel `[B, 1, T, mels]` -> embedding `[B, embeddingDim]`.
public struct CNN14: Sendable {
    public let config: CNN14Config
    public let bn0: BatchNorm2d
    public let blocks: [ConvBlock]
    public let fc1: Linear

    /// Keys under the tower's prefix that are present in checkpoints and not read: the
    /// classifier head and the front-end's constant kernels (see `checkFilterbank`).
    public static let ignoredPrefixes = ["fc_audioset.", "spectrogram_extractor.", "logmel_extractor."]

    /// Reads bn0, the six blocks and fc1 from `loader` scoped at the tower (shapes checked, every
    /// missing key an error naming it). Unread keys are left for the caller's `finish`, with
    /// `ignoredPrefixes` under this scope.
    public init(_ loader: WeightLoader, config c: CNN14Config = .pann) throws {
        config = c
        bn0 = try BatchNorm2d(loader.scoped("bn0"), channels: c.melBins)
        var inChannels = 1
        blocks = try c.channels.enumerated().map { i, out in
            defer { inChannels = out }
            return try ConvBlock(loader.scoped("conv_block\(i + 1)"), inChannels: inChannels, outChannels: out,
                                 pool: i < 5 ? (2, 2) : (1, 1), pooling: .average)
        }
        fc1 = try Linear(loader.scoped("fc1"), inFeatures: c.channels[5], outFeatures: c.embeddingDim)
    }

    /// Embeddings `[B, embeddingDim]` (after fc1's ReLU) of log-mels `[B, 1, T, mels]` or
    /// `[B, T, mels]`, `T` and `mels` at least 32. Frozen: no tape.
    public func callAsFunction(logMel: Tensor) throws -> Tensor {
        let x = logMel.rank == 3 ? try logMel.unsqueeze(1) : logMel
        guard x.rank == 4, x.shape[1] == 1, x.shape[3] == config.melBins,
              x.shape[2] >= CNN14Config.minimumExtent, x.shape[3] >= CNN14Config.minimumExtent else {
            throw TensorError.shapeMismatch(op: "CNN14", shapes: [logMel.shape],
                                            reason: "expected a log-mel [B, 1, T, \(config.melBins)] with T >= \(CNN14Config.minimumExtent) frames")
        }
        return try GradMode.withoutGrad {
            var h = try bn0(x, channelAxis: 3)
            for block in blocks { h = try block(h) }
            let frames = try h.mean(axis: 3)                              // [B, C, T']
            let pooled = try frames.max(axis: 2) + frames.mean(axis: 2)   // [B, C]
            return try fc1(pooled).relu()
        }
    }

    /// Checks a checkpoint's `logmel_extractor.melW` (`[bins, mels]`, torchlibrosa's
    /// `librosa.filters.mel(...).T`) against the filterbank palm's front-end applies, when the
    /// key is present: the reference multiplies by the checkpoint's own matrix, so a different
    /// one means the front-end does not reproduce it. `weights` is `[mels, bins]` row-major
    /// (`MelFilterbank.weights`); values must agree within `relativeTolerance` of its peak. The
    /// error names the key and the largest difference.
    public static func checkFilterbank(_ loader: WeightLoader, weights: [Float], mels: Int, bins: Int, relativeTolerance: Float = 1e-4) throws {
        let key = loader.key("logmel_extractor.melW")
        guard let info = loader.source.info(key) else { return }
        guard info.shape == [bins, mels] else {
            throw CheckpointError.wrongShape(key: key, expected: [bins, mels], found: info.shape, source: loader.source.sourceName)
        }
        let stored = try loader.source.tensor(key).contiguous().toArray()
        var worst: Float = 0, peak: Float = 0
        for b in 0..<bins {
            for m in 0..<mels {
                worst = Swift.max(worst, abs(stored[b * mels + m] - weights[m * bins + b]))
                peak = Swift.max(peak, abs(weights[m * bins + b]))
            }
        }
        guard worst <= relativeTolerance * peak else {
            throw CheckpointError.malformed(path: loader.source.sourceName, reason:
                "'\(key)' is not the mel filterbank of the chosen front-end (largest difference \(worst), filterbank peak \(peak)): the checkpoint was trained with another mel configuration")
        }
    }
}
