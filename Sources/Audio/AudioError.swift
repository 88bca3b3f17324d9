import Support

/// Why an audio file could not become samples (or features). Every case names the file, and
/// `description` reads as one sentence a researcher can act on: "path: reason".
public enum AudioError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Nothing exists at the path.
    case fileNotFound(path: String)
    /// The path names a directory, FIFO, socket or device, or is not a well-formed path (a NUL
    /// or control character): refused before the file is opened, since opening a FIFO blocks
    /// until a writer appears and a device may stream without end. `reason` says which.
    case notAFile(path: String, reason: String)
    /// The file has 0 bytes.
    case emptyFile(path: String)
    /// The file is larger than `DecodeLimits.maxFileBytes`.
    case fileTooLarge(path: String, bytes: Int, limit: Int)
    /// The header declares a sample rate outside `AudioDecoder.sampleRates` (1 kHz to 768 kHz).
    case sampleRateOutOfRange(path: String, rate: Int)
    /// The file lasts longer than `DecodeLimits.maxDurationSeconds`.
    case tooLong(path: String, seconds: Double, limit: Double)
    /// The file decodes to more samples (frames times channels) than `DecodeLimits.maxSamples`.
    case tooManySamples(path: String, samples: Int, limit: Int)
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
        case .fileNotFound(let p), .emptyFile(let p), .zeroLength(let p): return p
        case .sampleRateOutOfRange(let p, _): return p
        case .fileTooLarge(let p, _, _), .tooLong(let p, _, _), .tooManySamples(let p, _, _), .nonFiniteSamples(let p, _, _): return p
        case .notAFile(let p, _), .notAudio(let p, _), .unsupportedFormat(let p, _), .truncated(let p, _),
             .unreadable(let p, _), .writeFailed(let p, _), .invalidParameter(let p, _): return p
        }
    }

    /// The reason alone, without the path.
    public var reason: String {
        switch self {
        case .fileNotFound: return "file not found"
        case .notAFile(_, let r): return r
        case .emptyFile: return "empty file (0 bytes)"
        case .fileTooLarge(_, let b, let l): return "file is \(b) bytes, over the limit of \(l) bytes"
        case .sampleRateOutOfRange(_, let rate):
            return "the header declares a sample rate of \(rate) Hz; audio files use \(AudioDecoder.sampleRates.lowerBound / 1000) kHz to "
                + "\(AudioDecoder.sampleRates.upperBound / 1000) kHz (a broken header, or not audio)"
        case .tooLong(_, let s, let l):
            return "audio lasts \(formatSeconds(s)) s, over the limit of \(formatSeconds(l)) s"
        case .tooManySamples(_, let n, let l):
            return "audio decodes to \(n) samples (frames x channels), over the limit of \(l)"
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

    /// "path: reason", with control characters in the path escaped (see `InputFile.printable`).
    public var description: String { "\(InputFile.printable(path)): \(reason)" }
}

private func formatSeconds(_ s: Double) -> String {
    let r = (s * 100).rounded() / 100
    return String(r)
}
