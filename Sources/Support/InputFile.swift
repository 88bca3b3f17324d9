import Foundation

/// A file palm was asked to read that it will not open: it is missing, not a regular file
/// (a FIFO would block `open` forever, a device could stream without end), or its path is not
/// a path (NUL or control characters). Names the file, the role it was given in, and what it is.
public struct InputFileError: Error, CustomStringConvertible, Equatable {
    /// The path as given.
    public let path: String
    /// What the file was meant to be ("checkpoint", "audio file", "CSV table", "script", ...).
    public let role: String
    /// Why it is refused.
    public let reason: String
    public init(path: String, role: String, reason: String) {
        self.path = path
        self.role = role
        self.reason = reason
    }
    public var description: String { "cannot read \(InputFile.printable(path)) as a \(role): \(reason)" }
}

/// Checks made before a file is opened for reading.
///
/// `open(2)` on a FIFO blocks until a writer appears, and reading a character device may never
/// end, so every reader (checkpoints, audio, CSV tables, scripts, tensor files) asks here first:
/// the path must be a path and name a regular file (symbolic links are followed).
public enum InputFile {
    /// What a path names, as `stat(2)` reports it.
    public enum Kind: Equatable, Sendable {
        case regular(size: Int)
        case directory, fifo, socket, characterDevice, blockDevice, other
        case missing

        /// The kind in words, for error messages.
        public var words: String {
            switch self {
            case .regular: return "a regular file"
            case .directory: return "a directory"
            case .fifo: return "a FIFO (named pipe), which would block"
            case .socket: return "a socket"
            case .characterDevice: return "a character device"
            case .blockDevice: return "a block device"
            case .other: return "not a regular file"
            case .missing: return "no such file"
            }
        }
    }

    /// What `path` names (following symbolic links), without opening it.
    public static func kind(of path: String) -> Kind {
        var st = stat()
        guard stat(path, &st) == 0 else { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .regular(size: Int(st.st_size))
        case S_IFDIR: return .directory
        case S_IFIFO: return .fifo
        case S_IFSOCK: return .socket
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        default: return .other
        }
    }

    /// The first NUL or control character in `path`, described, or nil when there is none.
    /// Foundation cuts a path at a NUL silently; a control character in a path is a sign of a
    /// corrupted or hostile list, never of a real file name.
    public static func pathProblem(_ path: String) -> String? {
        if path.isEmpty { return "the path is empty" }
        for (offset, scalar) in path.unicodeScalars.enumerated() where scalar.value < 0x20 || scalar.value == 0x7F {
            let name = scalar.value == 0 ? "a NUL byte" : String(format: "a control character (U+%04X)", scalar.value)
            return "the path holds \(name) at character \(offset + 1)"
        }
        return nil
    }

    /// Refuses `path` unless it is a well-formed path naming a regular file; returns its size in bytes.
    /// - Parameter role: what the file is for, as the error will say it ("checkpoint", "audio file").
    @discardableResult
    public static func requireRegular(_ path: String, role: String) throws -> Int {
        if let problem = pathProblem(path) { throw InputFileError(path: path, role: role, reason: problem) }
        let k = kind(of: path)
        if case .regular(let size) = k { return size }
        throw InputFileError(path: path, role: role, reason: k == .missing ? "no such file" : "it is \(k.words), not a regular file")
    }

    /// `path` with control characters escaped, so an error message never carries them raw.
    public static func printable(_ path: String) -> String {
        var out = ""
        for scalar in path.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += String(format: "\\u{%02X}", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
