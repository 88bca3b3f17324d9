import Foundation
import Models
import Tensor

/// Locates and reads golden fixtures under `Tests/Fixtures/` (made by `Scripts/fixtures/*.py`).
public enum Fixtures {
    /// `Tests/Fixtures` of this checkout, found from this source file's path so tests run from
    /// any working directory without bundling resources.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Path of a fixture file, e.g. `path("tensor/transformer_block.safetensors")`.
    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Opens a safetensors fixture.
    public static func safetensors(_ relative: String) throws -> SafeTensorsFile {
        try SafeTensorsFile(path: path(relative))
    }
}

/// A temporary directory removed when the value is released by the test.
public final class TemporaryDirectory {
    public let url: URL
    public var path: String { url.path }
    public init(_ label: String = "palm") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    public func file(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}
