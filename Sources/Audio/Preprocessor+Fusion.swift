import Tensor

// The feature-fusion path (`ClipPolicy.crop == .fusion`, LAION-CLAP's fusion checkpoints): a
// long clip is kept whole (`ClipPolicy.apply`), its log-mel computed as any clip's, then cut
// into `FusionMel`'s four channels with chunk starts from the file's crop generator.

extension Preprocessor {
    /// Whether this front-end makes fusion inputs (`[4, frames, mels]` and a `longer` flag).
    public var makesFusionInput: Bool { config.clip?.crop == .fusion }

    /// Frames of one clip length's log-mel: the fusion chunk size (10 s at 48 kHz, hop 480: 1001).
    public var fusionChunkFrames: Int { config.stft.frameCount(config.clip?.length ?? 0) }

    /// The fusion input for the file at `path`: its clip's log-mel (the whole file when longer
    /// than the clip length) cut by `FusionMel` with starts drawn from `cropGenerator(for:)`.
    public func fusionMel(path: String) throws(AudioError) -> FusionMel {
        guard makesFusionInput else {
            throw .invalidParameter(path: path, reason: "this front-end does not make fusion input (its clip policy's crop is not fusion)")
        }
        let logMel = try clipLogMel(path: path)
        var g = cropGenerator(for: path)
        do { return try FusionMel(logMel: logMel, chunkFrames: fusionChunkFrames, generator: &g) } catch {
            throw .invalidParameter(path: path, reason: "\(error)")
        }
    }

    /// `fusionMel(path:)` for every path on up to `threads` threads, each failure in its slot.
    public func fusionMelAll(_ paths: [String], threads: Int = 1) -> [Result<FusionMel, AudioError>] {
        ConcurrentMap.map(paths, threads: threads) { path in
            Result { () throws(AudioError) in try fusionMel(path: path) }
        }
    }
}
