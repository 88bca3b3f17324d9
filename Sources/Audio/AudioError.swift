/// Why an audio file could not become samples (or features). Every case names the file, and
/// `description` reads as one sentence a researcher can act on: "path: reason".
public enum AudioError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Nothing exists at the path.
    case fileNotFound(path: String)
    /// The path exists but is a directory or another non-regular file.
    case notAFile(path: String)
    /// The file has 0 bytes.
    case emptyFile(path: String)
    /// The file is larger than `DecodeLimits.maxFileBytes`.
    case fileTooLarge(path: String, bytes: Int, limit: Int)
    /// The file lasts longer than `DecodeLimits.maxDurationSeconds`.
    case tooLong(path: String, seconds: Double, limit: Double)
    /// The file's bytes do not look like audio at all (e.g. a text file renamed `.wav`).
    case notAudio(path: String, reason: String)
    /// A real container or codec that libsndfile cannot decode (e.g. MP4/AAC).
    case unsupportedFormat(path: String, reason: String)
    /// The file ends before the audio its header announces.
    case truncated(path: String, reason: String)
    /// The header is valid but holds no sample frames.
    case zeroLength(path: String)
    /// Decoded samples include NaN or infinity (possible in float WAV files).
    case nonFiniteSamples(path: String, count: Int, firstFrame: Int)
    /// libsndfile refused the file for another reason (its message is kept).
    case unreadable(path: String, reason: String)
    /// Writing a file failed.
    case writeFailed(path: String, reason: String)
    /// A parameter is outside what the front-end supports (sample rate, clip length...).
    case invalidParameter(path: String, reason: String)

    /// The path the error is about.
    public var path: String {
        switch self {
        case .fileNotFound(let p), .notAFile(let p), .emptyFile(let p), .zeroLength(let p): return p
        case .fileTooLarge(let p, _, _), .tooLong(let p, _, _), .nonFiniteSamples(let p, _, _): return p
        case .notAudio(let p, _), .unsupportedFormat(let p, _), .truncated(let p, _),
             .unreadable(let p, _), .writeFailed(let p, _), .invalidParameter(let p, _): return p
        }
    }

    /// The reason alone, without the path.
    public var reason: String {
        switch self {
        case .fileNotFound: return "file not found"
        case .notAFile: return "not a regular file"
        case .emptyFile: return "empty file (0 bytes)"
        case .fileTooLarge(_, let b, let l): return "file is \(b) bytes, over the limit of \(l) bytes"
        case .tooLong(_, let s, let l):
            return "audio lasts \(formatSeconds(s)) s, over the limit of \(formatSeconds(l)) s"
        case .notAudio(_, let r): return "not an audio file: \(r)"
        case .unsupportedFormat(_, let r): return "unsupported audio format: \(r)"
        case .truncated(_, let r): return "truncated audio file: \(r)"
        case .zeroLength: return "no audio frames (zero-length clip)"
        case .nonFiniteSamples(_, let c, let f):
            return "\(c) sample(s) are NaN or infinite (first at frame \(f))"
        case .unreadable(_, let r): return "cannot decode: \(r)"
        case .writeFailed(_, let r): return "cannot write: \(r)"
        case .invalidParameter(_, let r): return "invalid parameter: \(r)"
        }
    }

    public var description: String { "\(path): \(reason)" }
}

private func formatSeconds(_ s: Double) -> String {
    let r = (s * 100).rounded() / 100
    return String(r)
}
