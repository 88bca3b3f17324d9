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
