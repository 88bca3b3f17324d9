/// The front-end presets by name, as model specs, scripts (`pengi(path, preprocessing:
/// "clean")`, `logmel(path, preset:)`) and the CLI write them.
extension PreprocessingConfig {
    /// Each preset's name, the other spellings accepted for it, and the config.
    public static let presets: [(name: String, aliases: [String], config: PreprocessingConfig)] = [
        ("pengi", [], .pengi),
        ("clean", ["pengi-clean", "pengiclean"], .pengiClean),
        ("aisfx", [], .aisfx),
        ("laion-clap", ["laion", "laionclap"], .laionCLAP),
    ]

    /// The preset called `name` (case-insensitive, aliases included), or nil.
    public static func preset(named name: String) -> PreprocessingConfig? {
        let key = name.lowercased()
        return presets.first { $0.name == key || $0.aliases.contains(key) }?.config
    }
}

extension PreprocessingConfig {
    /// LAION-CLAP (non-fusion) as `laion_clap`'s `get_audio_embedding_from_filelist` runs it:
    /// 48 kHz mono (librosa.load's mean downmix), int16 quantisation, 480 000-sample clips
    /// (short clips repeated whole then zero-padded, `repeatpad`; long clips cropped at a seeded
    /// random start as `.pengi` does, where the reference's `rand_trunc` draws from numpy's
    /// global generator), then HTSAT's torchlibrosa front-end: STFT 1024/480 reflect, slaney
    /// mel at 48 kHz, 64 bands 50-14000 Hz, dB with amin 1e-10. Output 1001 x 64.
    /// Deviation: librosa resamples other rates with soxr_hq; palm with its sinc resampler
    /// (48 kHz files need none and match exactly).
    public static let laionCLAP = PreprocessingConfig(
        sampleRate: 48000, channels: .mean, peakNormalize: false,
        clip: ClipPolicy(length: 480_000, crop: .random, fill: .repeatPad), cropSeed: 0,
        stft: STFTConfig(nFFT: 1024, hop: 480, center: true, padMode: .reflect, power: 2),
        mel: MelConfig(sampleRate: 48000, nMels: 64, fMin: 50, fMax: 14000, scale: .slaney, norm: .slaney),
        compression: .decibels(amin: 1e-10, ref: 1), quantization: .int16)
}
