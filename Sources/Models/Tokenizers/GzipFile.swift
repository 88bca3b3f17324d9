import CZlib
import Foundation

/// Whole-file gzip decompression through zlib's `gzread` (the vocabulary files are a few MB).
enum GzipFile {
    /// The decompressed bytes of `path`; throws `TokenizerError.unreadable` naming it.
    static func read(_ path: String) throws -> [UInt8] {
        guard let gz = gzopen(path, "rb") else { throw TokenizerError.unreadable(path: path, reason: "cannot open") }
        defer { gzclose(gz) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(gz, $0.baseAddress, UInt32($0.count)) }
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(gz, &code).map { String(cString: $0) } ?? "error \(code)"
                throw TokenizerError.unreadable(path: path, reason: "gzip: \(message)")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<Int(n)])
        }
        return out
    }
}

/// Errors from loading tokenizer vocabularies.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read vocabulary: \(reason)"
        case let .malformed(path, reason): return "\(path): malformed vocabulary: \(reason)"
        }
    }
}
