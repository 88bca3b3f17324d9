/// The front-end presets by name, as model specs, scripts (`pengi(path, preprocessing:
/// "clean")`, `logmel(path, preset:)`) and the CLI write them.
extension PreprocessingConfig {
    /// Each preset's name, the other spellings accepted for it, and the config.
    public static let presets: [(name: String, aliases: [String], config: PreprocessingConfig)] = [
        ("pengi", [], .pengi),
        ("clean", ["pengi-clean", "pengiclean"], .pengiClean),
        ("aisfx", [], .aisfx),
    ]

    /// The preset called `name` (case-insensitive, aliases included), or nil.
    public static func preset(named name: String) -> PreprocessingConfig? {
        let key = name.lowercased()
        return presets.first { $0.name == key || $0.aliases.contains(key) }?.config
    }
}
