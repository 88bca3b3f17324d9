import Foundation
import Support

/// Listing directories the way the layout readers need: audio files by extension, class
/// sub-folders, hidden entries skipped, results sorted by code points (never by the file
/// system's order, which differs between machines).
///
/// A scan reads names and `stat`s, never opens a file. An entry named like audio that is not a
/// regular file (a FIFO, whose `open` would block the decoder forever, a socket, a device) is
/// refused naming it: it cannot be a clip, and skipping it silently would shift the
/// deterministic split. Folders reached through symbolic links are followed once each, so a
/// link to an enclosing folder cannot make the scan loop.
public enum DirectoryScan {
    /// Extensions taken as audio (lower-cased comparison).
    static let audioExtensions: Set<String> = ["wav", "flac", "ogg", "mp3", "au", "aiff", "aif", "opus"]

    static func isDirectory(_ path: String) -> Bool {
        InputFile.kind(of: path) == .directory
    }

    /// True when `path` exists and is not a directory.
    static func isFile(_ path: String) -> Bool {
        let kind = InputFile.kind(of: path)
        return kind != .missing && kind != .directory
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
    /// - Throws: `DatasetError.refusedPath` for an audio-named entry that is not a regular file.
    public static func audioFiles(under path: String, recursive: Bool = true) throws -> [String] {
        var visited = Set<[UInt64]>()
        var out: [String] = []
        try collectAudio(under: path, recursive: recursive, visited: &visited, into: &out)
        return out.sorted(by: ClassOrder.precedes)
    }

    private static func collectAudio(under path: String, recursive: Bool, visited: inout Set<[UInt64]>, into out: inout [String]) throws {
        var st = stat()
        guard stat(path, &st) == 0, visited.insert([UInt64(st.st_dev), UInt64(st.st_ino)]).inserted else { return }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names where !name.hasPrefix(".") {
            let full = path + "/" + name
            let kind = InputFile.kind(of: full)
            if kind == .directory {
                if recursive { try collectAudio(under: full, recursive: true, visited: &visited, into: &out) }
            } else if isAudio(full) {
                switch kind {
                case .regular: out.append(full)
                case .missing: continue   // a dangling symbolic link names no clip
                default:
                    throw DatasetError.refusedPath(location: full, path: full,
                        reason: "is \(kind.words), not a regular file; an audio file must be one (remove it from the dataset)")
                }
            }
        }
    }

    /// `root` made absolute, `~` expanded, and `.` and `..` resolved lexically (as `RowPaths`
    /// resolves rows, so item paths start with it); throws when it is not a directory or its
    /// path holds a NUL or control character (a NUL would cut it silently).
    static func checkedRoot(_ root: String) throws -> String {
        if let problem = InputFile.pathProblem(root) {
            throw DatasetError.refusedPath(location: root, path: root, reason: "is not usable as a dataset root: \(problem)")
        }
        let expanded = (root as NSString).expandingTildeInPath
        let absolute = expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
        let standardized = RowPaths.normalized(absolute)
        guard isDirectory(standardized) else { throw DatasetError.missingRoot(path: root) }
        return standardized
    }

    /// `relative` resolved against `base` (absolute paths kept).
    static func resolve(_ relative: String, against base: String) -> String {
        relative.hasPrefix("/") ? relative : base + "/" + relative
    }
}
