import Foundation
import Tensor

/// A change made to a test clip before its features are computed, for noise-robustness grids
/// (issue 16): `--perturb noise:snr=20,10,5,0,-5` evaluates the same learners on the same
/// clips under five noise levels.
///
/// A perturbation acts on the final clip (after the channel policy, resampling and the clip
/// policy, at the front-end's rate) and keeps its length. Randomness is drawn per clip from
/// `generator(for:)`, so a clip's perturbed audio depends only on the perturbation, its seed
/// and the file name: reruns, threads and cluster shards give bit-identical features, which
/// the feature store caches under `description` (through `PreprocessingConfig.fingerprint`).
public struct Perturbation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What is done to the clip.
    public enum Kind: Sendable, Hashable, Codable {
        /// Noise mixed at `snr` dB, measured over the clean clip's active signal
        /// (`ActiveSignal`): the noise is scaled so the SNR is exactly `snr`.
        case noise(source: NoiseSource, snr: Double)
        /// Every sample multiplied by `10^(decibels / 20)`.
        case gain(decibels: Double)
        /// Delay by `seconds` (negative advances). Samples shifted past either end are dropped
        /// and the gap is zero-filled; the length is unchanged.
        case shift(seconds: Double)
        /// Resampled down to `rate` Hz and back up with palm's `Resampler` (band-limiting to
        /// `rate / 2`); the length is unchanged.
        case resample(rate: Int)
        /// Encoded and decoded through libsndfile, in memory. `quality` runs from 0 (smallest
        /// file) to 1 (best), libsndfile's compression level `1 - quality` (for MP3 at most
        /// 0.999: LAME's VBR quality V9.99). The output is aligned with the input and as long.
        case codec(format: CodecFormat, quality: Double)
        /// Convolved with the impulse response in the file `impulseResponse` (mixed to mono,
        /// resampled to the clip's rate, scaled to unit energy), then mixed `wet` parts
        /// reverberant to `1 - wet` parts dry.
        case reverb(impulseResponse: String, wet: Double = 1)
    }

    /// The lossy codecs of `.codec`.
    public enum CodecFormat: String, Sendable, Hashable, Codable, CaseIterable {
        /// MPEG-1/2 Layer III (libsndfile >= 1.1 with LAME and mpg123).
        case mp3
        /// Ogg Vorbis.
        case vorbis
    }

    /// What is done.
    public var kind: Kind
    /// Seeds the per-clip generator (see `generator(for:)`).
    public var seed: UInt64

    public init(_ kind: Kind, seed: UInt64 = 0) {
        self.kind = kind
        self.seed = seed
    }

    /// Whether the result depends on `seed`. Only noise draws random numbers; the other kinds
    /// give the same audio for every seed, so their descriptions (and caches) leave it out.
    public var isSeeded: Bool {
        if case .noise = kind { return true }
        return false
    }

    /// The generator for the clip of `path`: seeded with `seed ^ FNV1a64.hash(file name)`,
    /// as `Preprocessor.cropGenerator(for:)` seeds crops, so each file gets its own noise and
    /// the same file always gets the same noise, wherever it lives.
    public func generator(for path: String) -> SeededGenerator {
        SeededGenerator(seed: seed ^ FNV1a64.hash((path as NSString).lastPathComponent))
    }
}
