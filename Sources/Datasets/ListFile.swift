import Foundation
import Support

/// Reading the list files a layout names (`train.csv`, `meta/esc50.csv`, `meta.txt`,
/// `examples.json`) without trusting them to be what their names say.
///
/// - Only a regular file is opened: a FIFO would block `open` forever and a device could stream
///   without end. The file is opened non-blocking and checked again with `fstat`, so swapping
///   it for a FIFO between the check and the open does not hang palm either.
/// - A file past `maximumSize` is refused before it is read (no list is that large).
/// - Text must be UTF-8 (a leading byte-order mark is fine) or in the encoding the layout was
///   told; a NUL byte marks a binary file. Either is refused naming the line and byte column,
///   and never quoting the file.
enum ListFile {
    /// Largest list file read (bytes): NSynth's full `examples.json`, the largest list a layout
    /// reads, is under 200 MB.
    static let maximumSize = 2 << 30

    /// The bytes of `path`.
    /// - Throws: `DatasetError.missingLayoutFile` when it does not exist (`layout` is named),
    ///   `InputFileError` when it is not a regular file or its path holds control characters,
    ///   `DatasetError.refusedPath` when it cannot be read or is too large.
    static func bytes(_ path: String, layout: String) throws -> [UInt8] {
        if InputFile.kind(of: path) == .missing, InputFile.pathProblem(path) == nil {
            throw DatasetError.missingLayoutFile(path: path, layout: layout)
        }
        try InputFile.requireRegular(path, role: "list file of the \(layout) layout")
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw DatasetError.refusedPath(location: path, path: path, reason: "cannot be opened (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw InputFileError(path: path, role: "list file of the \(layout) layout", reason: "it is not a regular file")
        }
        guard Int(st.st_size) <= maximumSize else {
            throw DatasetError.refusedPath(location: path, path: path,
                                           reason: "is \(st.st_size) bytes; a list file may hold at most \(maximumSize) bytes")
        }
        var out = [UInt8](repeating: 0, count: Int(st.st_size))
        var filled = 0
        while true {
            if filled == out.count {
                // The file grew since fstat: read on in steps, still bounded.
                guard out.count < maximumSize else {
                    throw DatasetError.refusedPath(location: path, path: path, reason: "grew past \(maximumSize) bytes while being read")
                }
                out += [UInt8](repeating: 0, count: max(4096, out.count / 2))
            }
            let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DatasetError.refusedPath(location: path, path: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
            }
            if n == 0 { break }
            filled += n
        }
        out.removeSubrange(filled...)
        return out
    }

    /// The text of `path` as UTF-8 bytes: checked (valid UTF-8, no NUL) when `encoding` is
    /// `.utf8`, transcoded otherwise; a leading UTF-8 byte-order mark is dropped.
    /// - Throws: what `bytes(_:layout:)` throws, and `DatasetError.notText` naming the line and
    ///   byte column of the first NUL byte or invalid UTF-8 sequence.
    static func text(_ path: String, layout: String, encoding: TextEncoding = .utf8) throws -> [UInt8] {
        var raw = try bytes(path, layout: layout)
        if raw.starts(with: [0xEF, 0xBB, 0xBF]) { raw.removeFirst(3) }
        if let nul = raw.firstIndex(of: 0) {
            let at = position(of: nul, in: raw)
            throw DatasetError.notText(location: "\(path):\(at.line)",
                reason: "byte column \(at.column) is a NUL byte: this is a binary file, not a text list")
        }
        guard encoding == .utf8 else { return encoding.utf8Bytes(raw) }
        if let bad = raw.withUnsafeBufferPointer(TextEncoding.firstInvalidUTF8) {
            let at = position(of: bad, in: raw)
            throw DatasetError.notText(location: "\(path):\(at.line)",
                reason: "byte column \(at.column) is not valid UTF-8 (byte 0x\(String(raw[bad], radix: 16, uppercase: true))); "
                    + "list files are read as UTF-8: convert the file, or name its encoding (csv:...,encoding=latin1 or windows-1252)")
        }
        return raw
    }

    /// The 1-based line and byte column of `offset` (lines end at `\n`, `\r\n` or a lone `\r`,
    /// as `CSVScanner` counts them).
    static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        var i = 0
        while i < offset {
            if bytes[i] == 0x0A || (bytes[i] == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return (line, offset - lineStart + 1)
    }
}
