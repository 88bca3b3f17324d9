import Foundation

/// Listing directories the way the layout readers need: audio files by extension, class
/// sub-folders, hidden entries skipped, results sorted by code points (never by the file
/// system's order, which differs between machines).
enum DirectoryScan {
    /// Extensions taken as audio (lower-cased comparison).
    static let audioExtensions: Set<String> = ["wav", "flac", "ogg", "mp3", "au", "aiff", "aif", "opus"]

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    static func isFile(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue
    }

    static func isAudio(_ path: String) -> Bool {
        audioExtensions.contains((path as NSString).pathExtension.lowercased())
    }

    /// Names of the visible sub-directories of `path`, sorted.
    static func subdirectories(of path: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { !$0.hasPrefix(".") && isDirectory(path + "/" + $0) }.sorted(by: ClassOrder.precedes)
    }

    /// Absolute paths of the audio files under `path` (recursively when asked), sorted.
    static func audioFiles(under path: String, recursive: Bool = true) -> [String] {
        var out: [String] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names where !name.hasPrefix(".") {
            let full = path + "/" + name
            if isDirectory(full) {
                if recursive { out.append(contentsOf: audioFiles(under: full, recursive: true)) }
            } else if isAudio(full) {
                out.append(full)
            }
        }
        return out.sorted(by: ClassOrder.precedes)
    }

    /// `root` made absolute and standardized, `~` expanded; throws when it is not a directory.
    static func checkedRoot(_ root: String) throws -> String {
        let expanded = (root as NSString).expandingTildeInPath
        let absolute = expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
        let standardized = (absolute as NSString).standardizingPath
        guard isDirectory(standardized) else { throw DatasetError.missingRoot(path: root) }
        return standardized
    }

    /// `relative` resolved against `base` (absolute paths kept).
    static func resolve(_ relative: String, against base: String) -> String {
        relative.hasPrefix("/") ? relative : base + "/" + relative
    }
}
