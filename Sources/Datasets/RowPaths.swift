import Foundation
import Support

/// The rules a path written in a list (a CSV cell, a line of a text list, a key of a JSON
/// index) must keep before palm opens the file it names. A list is data, and data may be
/// hostile: a row must not make palm read `/etc/passwd`.
///
/// - The path is a path: not empty, no NUL (which would silently cut it) and no control
///   characters.
/// - A relative path is resolved against the list's base directory and, with `.` and `..`
///   taken lexically, must stay inside the dataset root.
/// - An absolute path is refused unless the layout opts in (`csv:...,absolute=yes`); then it
///   may name any file.
/// - Symbolic links inside the root are the tree owner's doing (an `audios/` folder linked to
///   another disk is common) and are followed; a list cannot create one. palm opens the
///   lexical form, which has no `..` left. Where a `..` follows a linked folder the kernel
///   would have climbed out of the link's target instead, so such a path is refused rather
///   than read as another file than the one `ls` shows.
/// - The file must exist and be a regular file (a FIFO would block the decoder's `open`).
struct RowPaths {
    /// The dataset root: absolute, standardised, no trailing slash.
    let root: String
    /// True when rows may name absolute paths (the csv layout's `absolute=yes`).
    var allowsAbsolute = false

    /// The file `cell` names, as an absolute lexically normalised path.
    /// - Parameters:
    ///   - base: the directory relative paths start from (inside `root`).
    ///   - location: `file:line` (or `file, key 'k'`) for errors.
    /// - Throws: `DatasetError.refusedPath` (bad path, outside the root, absolute, not a regular
    ///   file), `DatasetError.missingFile`.
    func file(_ cell: String, base: String, at location: String) throws -> String {
        if let problem = InputFile.pathProblem(cell) {
            throw DatasetError.refusedPath(location: location, path: cell, reason: "is not a usable path: \(problem)")
        }
        let path: String
        if cell.hasPrefix("/") {
            guard allowsAbsolute else {
                throw DatasetError.refusedPath(location: location, path: cell,
                    reason: "is an absolute path; rows name files relative to the dataset (the csv layout takes absolute paths with absolute=yes)")
            }
            path = Self.normalized(cell)
        } else {
            path = Self.normalized(base + "/" + cell)
            guard contains(path) else {
                throw DatasetError.refusedPath(location: location, path: cell, reason: "leads outside the dataset root \(root)")
            }
            if Self.hasParentStep(cell), let real = Self.realPath(base + "/" + cell), let lexical = Self.realPath(path), real != lexical {
                throw DatasetError.refusedPath(location: location, path: cell,
                    reason: "climbs with '..' out of a symbolically linked folder (to \(real)); write the path without '..'")
            }
        }
        switch InputFile.kind(of: path) {
        case .regular: return path
        case .missing: throw DatasetError.missingFile(location: location, path: cell)
        case let kind: throw DatasetError.refusedPath(location: location, path: cell, reason: "is \(kind.words), not a regular file")
        }
    }

    /// A directory an option names (the csv layout's `base`), relative to the root; it must
    /// stay inside the root, as the rows resolved against it must.
    func directory(_ relative: String, option: String) throws -> String {
        let path = Self.normalized(relative.hasPrefix("/") ? relative : root + "/" + relative)
        guard contains(path) else {
            throw DatasetError.badLayoutOption(spec: "\(option)=\(relative)", reason: "the folder lies outside the dataset root \(root)")
        }
        return path
    }

    /// True when `path` (normalised) is the root or lies under it.
    func contains(_ path: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    /// `path` (absolute) with empty and `.` components dropped and each `..` removing the
    /// component before it, without touching the file system (`/..` stays `/`). Works on the
    /// UTF-8 bytes (`/` and `.` are ASCII), so a 10 MB cell costs one pass.
    static func normalized(_ path: String) -> String {
        var parts: [Substring.UTF8View] = []
        for part in components(path) {
            if isDot(part) { continue }
            if isDotDot(part) { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count + 1)
        for part in parts { out.append(UInt8(ascii: "/")); out.append(contentsOf: part) }
        return out.isEmpty ? "/" : String(decoding: out, as: UTF8.self)
    }

    /// True when `path` has a `..` component.
    static func hasParentStep(_ path: String) -> Bool {
        components(path).contains(where: isDotDot)
    }

    private static func components(_ path: String) -> [Substring.UTF8View] {
        path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
    }

    private static func isDot(_ part: Substring.UTF8View) -> Bool {
        part.count == 1 && part.first == UInt8(ascii: ".")
    }

    private static func isDotDot(_ part: Substring.UTF8View) -> Bool {
        part.count == 2 && part.allSatisfy { $0 == UInt8(ascii: ".") }
    }

    /// `path` with every symbolic link resolved by the kernel, or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
