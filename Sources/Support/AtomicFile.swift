import Foundation

/// A file that could not be written into place; names the file and what failed.
public struct AtomicWriteError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "cannot write \(path): \(reason)" }
}

/// Atomic file replacement: the bytes go to a uniquely named temporary file beside the target,
/// are flushed to disk (`fsync`), then `rename(2)`d over it. A reader sees the old file or the
/// new one, never half of one; a crash leaves at most a stray `.NAME.tmp-*` file; concurrent
/// writers each rename a complete file (the last one wins). Every file palm writes for keeps
/// (checkpoints, feature caches, results, reports) goes through here.
public enum AtomicFile {
    /// Writes `data` to `path` atomically; `createDirectory` makes the parent folders first.
    public static func write(_ data: Data, to path: String, createDirectory: Bool = false) throws {
        try data.withUnsafeBytes { try write(bytes: $0, to: path, createDirectory: createDirectory) }
    }

    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String, createDirectory: Bool = false) throws {
        try bytes.withUnsafeBytes { try write(bytes: $0, to: path, createDirectory: createDirectory) }
    }

    /// Writes `text` as UTF-8 to `path` atomically.
    public static func write(_ text: String, to path: String, createDirectory: Bool = false) throws {
        try write(Data(text.utf8), to: path, createDirectory: createDirectory)
    }

    private static func write(bytes raw: UnsafeRawBufferPointer, to path: String, createDirectory: Bool) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if createDirectory, !dir.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw AtomicWriteError(path: path, reason: "cannot create its folder (\(error.localizedDescription))")
            }
        }
        let name = (path as NSString).lastPathComponent
        let temp = (dir.isEmpty ? "" : dir + "/") + ".\(name).tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AtomicWriteError(path: path, reason: "cannot create a temporary file beside it (\(errnoText()))") }
        var written = 0, failure: String?
        while written < raw.count {
            let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                failure = errnoText()
                break
            }
            written += n
        }
        if failure == nil, fsync(fd) != 0 { failure = errnoText() }
        close(fd)
        if failure == nil, rename(temp, path) != 0 { failure = "cannot rename into place (\(errnoText()))" }
        if let failure {
            unlink(temp)
            throw AtomicWriteError(path: path, reason: failure)
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
