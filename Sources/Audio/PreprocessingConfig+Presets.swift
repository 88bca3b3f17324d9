/// The front-end presets by name, as model specs, scripts (`pengi(path, preprocessing:
/// "clean")`, `logmel(path, preset:)`) and the CLI write them.
extension PreprocessingConfig {
    /// Each preset's name, the other spellings accepted for it, and the config.
    public static let presets: [(name: String, aliases: [String], config: PreprocessingConfig)] = [
        ("pengi", [], .pengi),
        ("clean", ["pengi-clean", "pengiclean"], .pengiClean),
        ("aisfx", [], .aisfx),
        ("msclap-2022", ["msclap2022"], .msclap2022),
        ("msclap-2023", ["msclap2023"], .msclap2023),
        ("laion-clap", ["laion", "laionclap"], .laionCLAP),
        ("laion-clap-fusion", ["laionclap-fusion", "laion-fusion"], .laionCLAPFusion),
    ]

    /// MS-CLAP 2023's front-end (msclap `CLAPWrapper` + `HTSATWrapper`): exactly `.pengi`.
    /// msclap's wrapper reads audio as PENGI's does (torchaudio, resample to 44.1 kHz, channels
    /// concatenated by `reshape(-1)`, tiled when `7 s * sr >= length`, a random 7 s crop
    /// otherwise) and its HTSAT builds the same log-mel (STFT 1024/320, a 64-mel filterbank for
    /// 32 kHz with fmin 50 and fmax 14000 applied to 44.1 kHz audio; config_2023.yml's
    /// `fmax: 8000` never reaches it). The same config, so the same feature-cache entries.
    public static let msclap2023 = PreprocessingConfig.pengi

    /// The preset called `name` (case-insensitive, aliases included), or nil.
    public static func preset(named name: String) -> PreprocessingConfig? {
        let key = name.lowercased()
        return presets.first { $0.name == key || $0.aliases.contains(key) }?.config
    }
}

extension PreprocessingConfig {
    /// MS-CLAP 2022 (PyPI `msclap` 1.3.4, `CLAPWrapper` + `config_2022.yml` + `Cnn14`'s
    /// torchlibrosa front-end): 44.1 kHz, `reshape(-1)` channel concatenation (the quirk `.pengi`
    /// shares), 220 500-sample clips (5 s: tiled when not longer, seeded random crop when
    /// longer), STFT 1024/320 reflect-centred, slaney mel 64 bands 50-14000 Hz built for
    /// 44.1 kHz (`Cnn14` passes `sample_rate` to `LogmelFilterBank`; `n_fft: 1028` in the config
    /// is unused, `window_size` 1024 is the FFT), dB with amin 1e-10, ref 1, no top_db.
    /// Output 690 x 64.
    public static let msclap2022: PreprocessingConfig = {
        var c = PreprocessingConfig.pengi
        c.clip = ClipPolicy(length: 220_500, crop: .random)
        c.mel.sampleRate = 44100
        return c
    }()
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

extension PreprocessingConfig {
    /// LAION-CLAP's fusion checkpoints as `get_audio_embedding_from_filelist` runs them
    /// (`enable_fusion=True`: `data_truncating='fusion'`, `data_filling='repeatpad'`): the same
    /// 48 kHz mono int16-quantised samples and repeatpad as `.laionCLAP`, but a long clip is kept
    /// whole (`CropPolicy.fusion`) and its log-mel is made by `get_mel`, torchaudio's
    /// `MelSpectrogram` + `AmplitudeToDB`, not HTSAT's torchlibrosa front-end: the same STFT
    /// (1024/480, periodic Hann, reflect-centred, power 2) but an HTK-scale filterbank without
    /// normalisation (torchaudio's defaults `mel_scale='htk'`, `norm=None`), 64 bands
    /// 50-14000 Hz, dB with amin 1e-10, ref 1, no top_db. The log-mel is then cut into
    /// `FusionMel`'s four 1001 x 64 channels. Deviations: the three chunk starts come from the
    /// file's seeded crop generator, where the reference draws them from numpy's global
    /// generator (a given file always gives the same embedding); resampling as `.laionCLAP`.
    public static let laionCLAPFusion: PreprocessingConfig = {
        var c = PreprocessingConfig.laionCLAP
        c.clip?.crop = .fusion
        c.mel.scale = .htk
        c.mel.norm = .none
        return c
    }()
}
