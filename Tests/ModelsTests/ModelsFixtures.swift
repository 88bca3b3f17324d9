import Foundation

/// Paths of the committed fixtures under `Tests/Fixtures/` (made by `Scripts/fixtures/*.py`).
enum ModelsFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// A scratch file path unique to this process, removed by the caller.
    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("palm-\(getpid())-\(name)").path
    }
}
