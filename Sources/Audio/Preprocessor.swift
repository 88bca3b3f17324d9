import Foundation
import Tensor

/// Audio file -> fixed clip -> log-mel features, as one `PreprocessingConfig` prescribes.
///
/// Thread-safe: one preprocessor can serve several threads (resampling kernels and FFT plans
/// are built once and shared). Shape of the result: `[frames, nMels]` (PENGI: `[965, 64]`), or
/// `[blocks, blockFrames, nMels]` when the config cuts blocks (aisfx: `[n, 100, 96]`).
public struct Preprocessor: Sendable {
    /// The parameters.
    public let config: PreprocessingConfig
    /// The decoder (and its size/duration limits).
    public let decoder: AudioDecoder
    /// The mel filterbank built from `config.mel`.
    public let filterbank: MelFilterbank
    private let spectrogram: PowerSpectrogram
    private let resamplers: ResamplerCache

    /// Builds the filterbank, window and FFT plan. A config with a `problem` builds a
    /// placeholder instead, and every call then throws `.invalidParameter` with that problem.
    public init(config: PreprocessingConfig, limits: DecodeLimits = DecodeLimits()) {
        let safe = config.problem == nil ? config : PreprocessingConfig.pengi
        self.config = config
        decoder = AudioDecoder(limits: limits)
        filterbank = MelFilterbank(config: safe.mel, nFFT: safe.stft.nFFT)
        spectrogram = PowerSpectrogram(config: safe.stft)
        resamplers = ResamplerCache(targetRate: safe.sampleRate, lowpassFilterWidth: safe.resampleLowpassWidth,
                                    rolloff: safe.resampleRolloff)
    }

    /// The lowest sample rate a file may have (1 kHz; telephone speech is 8 kHz).
    public static let minimumSourceRate = 1000

    /// The resampler used for audio at `sourceRate`; `path` only names the file in the error
    /// thrown when the rate is below `minimumSourceRate` or the rate pair would need an
    /// oversized kernel (see `Resampler.maxKernelFloats`).
    public func resampler(from sourceRate: Int, path: String = "<audio>") throws(AudioError) -> Resampler {
        // A header's rate is not evidence of audio: at 2 Hz an 8 KB file "lasts" half an hour
        // and would resample to 90 million samples. Nothing recorded as sound is below 1 kHz.
        if sourceRate < Self.minimumSourceRate {
            throw .invalidParameter(path: path, reason:
                "the file's sample rate, \(sourceRate) Hz, is below \(Self.minimumSourceRate) Hz: not audio palm resamples")
        }
        let floats = Resampler.kernelFloats(from: sourceRate, to: config.sampleRate, lowpassFilterWidth: config.resampleLowpassWidth,
                                            rolloff: config.resampleRolloff)
        if sourceRate != config.sampleRate && floats > Resampler.maxKernelFloats {
            throw .invalidParameter(path: path, reason:
                "resampling \(sourceRate) Hz to \(config.sampleRate) Hz needs a \(floats)-float kernel (gcd \(gcd(sourceRate, config.sampleRate))); convert the file to a common rate first")
        }
        return resamplers.resampler(from: sourceRate)
    }

    /// Decoded audio -> one stream at `config.sampleRate`: channel policy (concat resamples each
    /// channel, then joins), then peak normalisation when configured. No clipping.
    public func waveform(_ audio: DecodedAudio) throws(AudioError) -> [Float] {
        let x = try stream(audio)
        return config.peakNormalize ? Self.peakNormalized(x) : x
    }

    /// Decoded audio -> one stream at `config.sampleRate` (channel policy), not normalised.
    func stream(_ audio: DecodedAudio) throws(AudioError) -> [Float] {
        let r = try resampler(from: audio.sampleRate, path: audio.path)
        return config.channels.join(config.channels.reduce(audio.channels).map { r($0) })
    }

    /// `x` scaled so its largest magnitude is 1 (unchanged when silent).
    static func peakNormalized(_ x: [Float]) -> [Float] {
        let peak = x.reduce(Float(0)) { max($0, abs($1)) }
        guard peak > 0 else { return x }
        return x.map { $0 / peak }
    }

    /// The generator for `path`'s random crop: seeded with `cropSeed ^ FNV1a64.hash(file name)`.
    public func cropGenerator(for path: String) -> SeededGenerator {
        SeededGenerator(seed: config.cropSeed ^ FNV1a64.hash((path as NSString).lastPathComponent))
    }

    /// The fixed-length clip for the file at `path` (the whole resampled stream when the config
    /// has no clip policy), perturbed by `config.perturbation` when one is set (before a peak
    /// normalisation, else after the clip policy). A long file is
    /// cropped from only the frames the crop needs when that gives the same samples (see
    /// `ClipReading.automatic`). Every feature path (`features(path:)`, `featuresAll`) goes
    /// through here, so every model perturbs.
    public func clip(path: String) throws(AudioError) -> [Float] {
        try clip(path: path, reading: .automatic)
    }

    /// The fixed-length clip for the file at `path`, read as `reading` says; both ways give the
    /// same samples (the crop-only tests compare them bit for bit).
    public func clip(path: String, reading: ClipReading) throws(AudioError) -> [Float] {
        // Quantisation is per sample, so after the clip policy it gives what quantising the
        // decoded file first (LAION-CLAP's order) gives: tiles and crops are the same samples,
        // and zero padding stays zero. After a perturbation it is the stored file's format.
        let x = try unquantizedClip(path: path, reading: reading)
        return config.quantization?.apply(x) ?? x
    }

    private func unquantizedClip(path: String, reading: ClipReading) throws(AudioError) -> [Float] {
        if let p = config.problem { throw .invalidParameter(path: path, reason: p) }
        guard let perturbation = config.perturbation else { return try unperturbedClip(path: path, reading: reading) }
        // The perturbation stands for what happened to the recording, so it comes before the
        // front-end's own level normalisation when there is one (a gain is then undone, as it
        // would be on a real quieter recording); otherwise after the clip policy, so it sees
        // exactly the samples the model does.
        guard config.peakNormalize else {
            return try perturbation.apply(unperturbedClip(path: path, reading: reading), sampleRate: config.sampleRate, path: path)
        }
        let raw = try stream(decoder.decode(AudioFileReader(path: path, limits: decoder.limits)))
        if raw.isEmpty { throw .zeroLength(path: path) }
        let x = Self.peakNormalized(try perturbation.apply(raw, sampleRate: config.sampleRate, path: path))
        guard let policy = config.clip else { return x }
        var g = cropGenerator(for: path)
        return policy.apply(x, generator: &g)
    }

    private func unperturbedClip(path: String, reading: ClipReading) throws(AudioError) -> [Float] {
        let reader = try AudioFileReader(path: path, limits: decoder.limits)
        if reading == .automatic, let crop = try cropOnly(reader) { return crop }
        let x = try waveform(decoder.decode(reader))
        if x.isEmpty { throw .zeroLength(path: path) }
        guard let policy = config.clip else { return x }
        var g = cropGenerator(for: path)
        return policy.apply(x, generator: &g)
    }

    /// Log-mel features of a clip already at `config.sampleRate`: `[frames, nMels]`, or
    /// `[blocks, frames, nMels]` with block cutting (a fusion front-end's whole, uncut log-mel:
    /// `FusionMel` cuts it).
    public func features(clip x: [Float]) throws(AudioError) -> Tensor {
        if let p = config.problem { throw .invalidParameter(path: "<clip>", reason: p) }
        let n = config.stft.nFFT
        if config.stft.center && config.stft.padMode == .reflect && x.count <= n / 2 {
            throw .invalidParameter(path: "<clip>", reason: "clip of \(x.count) samples is too short for reflect padding of \(n / 2)")
        }
        if config.stft.frameCount(x.count) == 0 {
            throw .invalidParameter(path: "<clip>", reason: "clip of \(x.count) samples is shorter than one \(n)-sample frame")
        }
        var (frames, mel) = spectrogram.melSpectrogram(x, filterbank: filterbank)
        config.compression.apply(&mel)
        let m = config.mel.nMels
        if let b = config.blocks {
            let cut = b.apply(mel, total: frames, width: m)
            return try! Tensor(cut, shape: [b.count(frames), b.frames, m])
        }
        return try! Tensor(mel, shape: [frames, m])
    }

    /// File -> features (decode, channel policy, resample, clip, STFT, mel, log). A fusion
    /// front-end gives its four channels `[4, frames, mels]` (`fusionMel(path:)`).
    public func features(path: String) throws(AudioError) -> Tensor {
        if makesFusionInput { return try fusionMel(path: path).mel }
        return try clipLogMel(path: path)
    }

    /// The log-mel of the file's clip (with a fusion front-end, of the whole long clip, uncut).
    func clipLogMel(path: String) throws(AudioError) -> Tensor {
        let x = try clip(path: path)
        do { return try features(clip: x) } catch {
            if case .invalidParameter(_, let reason) = error { throw .invalidParameter(path: path, reason: reason) }
            throw error
        }
    }

    /// Features for every path on up to `threads` threads; each file's failure is reported in
    /// its own slot and the rest go on.
    public func featuresAll(_ paths: [String], threads: Int = 1) -> [Result<Tensor, AudioError>] {
        ConcurrentMap.map(paths, threads: threads) { path in
            Result { () throws(AudioError) in try features(path: path) }
        }
    }
}

/// Resamplers by source rate, built on first use and shared between threads.
final class ResamplerCache: @unchecked Sendable {
    let targetRate: Int
    let lowpassFilterWidth: Int
    let rolloff: Double
    private var cache: [Int: Resampler] = [:]
    private let lock = NSLock()

    init(targetRate: Int, lowpassFilterWidth: Int, rolloff: Double) {
        self.targetRate = targetRate
        self.lowpassFilterWidth = lowpassFilterWidth
        self.rolloff = rolloff
    }

    func resampler(from sourceRate: Int) -> Resampler {
        lock.lock()
        defer { lock.unlock() }
        if let r = cache[sourceRate] { return r }
        let r = Resampler(from: sourceRate, to: targetRate, lowpassFilterWidth: lowpassFilterWidth, rolloff: rolloff)
        cache[sourceRate] = r
        return r
    }
}
