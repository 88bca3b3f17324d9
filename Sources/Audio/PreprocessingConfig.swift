/// Every parameter that turns an audio file into model input, as one value. Two configs that
/// compare equal produce bit-identical features, so the feature store keys on `fingerprint`.
///
/// Provenance: PENGI's `wrapper.py` (`load_audio_into_tensor`: torchaudio load,
/// `transforms.Resample`, `reshape(-1)`, tile if `7 * sr >= n` else random crop) and its HTSAT
/// front-end (torchlibrosa 0.1.0 `Spectrogram` + `LogmelFilterBank`); aisfx 0.1.2
/// `spectrogram/spectrogram_librosa.py` and `preprocessing.py` (`blocking`,
/// `spectrogram_normalize`). Fidelity is checked by the golden tests in `Tests/AudioTests`.
///
/// Presets:
/// - `.pengi`: faithful to the PENGI reference (concat channels, seeded *random* crop of long
///   clips). It is the default because the paper's numbers were produced that way.
/// - `.pengiClean`: the same spectrogram with the quirks replaced (mono mean, centre crop);
///   use it for new experiments where determinism matters more than parity.
/// - `.aisfx`: the aisfx demo encoder's librosa front-end, time-major.
public struct PreprocessingConfig: Codable, Hashable, Sendable {
    /// Rate the audio is resampled to (Hz).
    public var sampleRate: Int
    /// How channels are combined.
    public var channels: ChannelPolicy
    /// torchaudio `lowpass_filter_width` of the resampler.
    public var resampleLowpassWidth: Int
    /// torchaudio `rolloff` of the resampler.
    public var resampleRolloff: Double
    /// Divide the clip by its peak absolute value (skipped for silence), as aisfx does.
    public var peakNormalize: Bool
    /// Fixed clip length and crop rule; nil keeps the whole file (aisfx).
    public var clip: ClipPolicy?
    /// Seed of the random crop. The generator for a file is seeded with
    /// `cropSeed ^ FNV1a64.hash(file name)`, so each file gets its own, reproducible crop.
    public var cropSeed: UInt64
    /// STFT parameters.
    public var stft: STFTConfig
    /// Mel filterbank parameters.
    public var mel: MelConfig
    /// Log compression.
    public var compression: LogCompression
    /// Optional cutting of the log-mel into fixed blocks of frames.
    public var blocks: FrameBlocks?
    /// A change made to every clip before its features (noise, gain, codec...; issue 16),
    /// applied by `Preprocessor.clip(path:)` to the final clip. nil (the default) leaves the
    /// audio as it is and the fingerprint as it was before perturbations existed.
    public var perturbation: Perturbation?
    /// A round trip of every sample through a narrower format before the clip policy's result
    /// is used (LAION-CLAP: int16). nil (the default) keeps the decoded floats.
    public var quantization: SampleQuantization?

    public init(sampleRate: Int, channels: ChannelPolicy, resampleLowpassWidth: Int = 6, resampleRolloff: Double = 0.99,
                peakNormalize: Bool, clip: ClipPolicy?, cropSeed: UInt64 = 0, stft: STFTConfig, mel: MelConfig,
                compression: LogCompression, blocks: FrameBlocks? = nil, perturbation: Perturbation? = nil,
                quantization: SampleQuantization? = nil) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.resampleLowpassWidth = resampleLowpassWidth
        self.resampleRolloff = resampleRolloff
        self.peakNormalize = peakNormalize
        self.clip = clip
        self.cropSeed = cropSeed
        self.stft = stft
        self.mel = mel
        self.compression = compression
        self.blocks = blocks
        self.perturbation = perturbation
        self.quantization = quantization
    }

    /// PENGI "base" as the reference runs it: 44.1 kHz, `reshape(-1)` channel concatenation,
    /// 308 700-sample clips (tile short, seeded random crop long), STFT 1024/320 reflect, slaney
    /// mel with sr 32000 (quirk), 64 bands 50-14000 Hz, dB with amin 1e-10. Output 965 x 64.
    public static let pengi = PreprocessingConfig(
        sampleRate: 44100, channels: .concat, peakNormalize: false,
        clip: ClipPolicy(length: 308_700, crop: .random), cropSeed: 0,
        stft: STFTConfig(nFFT: 1024, hop: 320, center: true, padMode: .reflect, power: 2),
        mel: MelConfig(sampleRate: 32000, nMels: 64, fMin: 50, fMax: 14000, scale: .slaney, norm: .slaney),
        compression: .decibels(amin: 1e-10, ref: 1))

    /// `.pengi` without the channel and crop quirks: mono mean downmix and a centre crop.
    public static let pengiClean: PreprocessingConfig = {
        var c = PreprocessingConfig.pengi
        c.channels = .mean
        c.clip = ClipPolicy(length: 308_700, crop: .center)
        return c
    }()

    /// The aisfx librosa front-end: mono mean, 44.1 kHz, peak-normalised, whole file, STFT
    /// 2048/1024 with zero padding, HTK mel 96 bands 0-22050 Hz with unit-sum rows,
    /// `log10(1 + 10000 x) / 9.457798957824707`, blocks of 100 frames hop 50, time-major
    /// (`[blocks, 100, 96]`). Deviation: aisfx resamples with librosa's default (soxr_hq);
    /// palm uses its sinc resampler with a steeper filter than torchaudio's default (32 zero
    /// crossings, rolloff 0.95), which on the fixtures brings the features within 0.02-0.06 of
    /// soxr's (mean ~1e-4; torchaudio's default gives up to 0.41, images just above an 8 kHz
    /// source's Nyquist). 44.1 kHz files need no resampling and match exactly.
    public static let aisfx = PreprocessingConfig(
        sampleRate: 44100, channels: .mean, resampleLowpassWidth: 32, resampleRolloff: 0.95,
        peakNormalize: true, clip: nil,
        stft: STFTConfig(nFFT: 2048, hop: 1024, center: true, padMode: .zero, power: 2),
        mel: MelConfig(sampleRate: 44100, nMels: 96, fMin: 0, fMax: 22050, scale: .htk, norm: .unitSum),
        compression: .log10Plus(scale: 10000, divisor: 9.457798957824707),
        blocks: FrameBlocks(frames: 100, hop: 50))
}

/// A sample format round trip (`PreprocessingConfig.quantization`).
public enum SampleQuantization: String, Codable, Hashable, Sendable {
    /// LAION-CLAP's `int16_to_float32(float32_to_int16(x))` (`training/data.py`): clip to
    /// [-1, 1], multiply by 32767 in float32, truncate toward zero to int16, divide by 32767.0
    /// in double and round to float32.
    case int16

    /// `x` after the round trip.
    public func apply(_ x: [Float]) -> [Float] {
        switch self {
        case .int16:
            return x.map { v in
                if v.isNaN { return 0 }  // numpy's cast of NaN is undefined; the decoder refuses NaN files anyway
                let q = Int16((min(max(v, -1), 1) * 32767).rounded(.towardZero))
                return Float(Double(q) / 32767.0)
            }
        }
    }
}
