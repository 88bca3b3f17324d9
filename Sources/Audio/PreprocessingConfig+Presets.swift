/// The front-end presets by name, as model specs, scripts (`pengi(path, preprocessing:
/// "clean")`, `logmel(path, preset:)`) and the CLI write them.
extension PreprocessingConfig {
    /// Each preset's name, the other spellings accepted for it, and the config.
    public static let presets: [(name: String, aliases: [String], config: PreprocessingConfig)] = [
        ("pengi", [], .pengi),
        ("clean", ["pengi-clean", "pengiclean"], .pengiClean),
        ("aisfx", [], .aisfx),
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
