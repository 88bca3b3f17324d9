import Foundation

/// What the first bytes of a file say it is, used to turn libsndfile's generic
/// "format not recognised" into a reason a user can act on.
public enum AudioFileSignature: Equatable, Sendable {
    case riffWave, rf64, wave64, flac, ogg, mp3, aiff, caf
    /// An MPEG-4 / QuickTime container (`ftyp` box): AAC or ALAC audio, not decodable here.
    case mpeg4
    /// Matroska / WebM (EBML header), not decodable here.
    case matroska
    /// An ASF / WMA file, not decodable here.
    case asf
    /// Printable text (ASCII/UTF-8 with no control bytes other than whitespace).
    case text
    case unknown

    /// Classifies `bytes`, the start of a file (64 bytes or more is plenty).
    public static func classify(_ bytes: [UInt8]) -> AudioFileSignature {
        func starts(_ s: String, at offset: Int = 0) -> Bool {
            let m = Array(s.utf8)
            return bytes.count >= offset + m.count && Array(bytes[offset..<offset + m.count]) == m
        }
        if starts("RIFF") && starts("WAVE", at: 8) { return .riffWave }
        if starts("RF64") { return .rf64 }
        if starts("riff") { return .wave64 }
        if starts("fLaC") { return .flac }
        if starts("OggS") { return .ogg }
        if starts("ID3") { return .mp3 }
        if bytes.count >= 2 && bytes[0] == 0xFF && (bytes[1] & 0xE0) == 0xE0 { return .mp3 }
        if starts("FORM") && (starts("AIFF", at: 8) || starts("AIFC", at: 8)) { return .aiff }
        if starts("caff") { return .caf }
        if starts("ftyp", at: 4) { return .mpeg4 }
        if bytes.count >= 4 && bytes[0] == 0x1A && bytes[1] == 0x45 && bytes[2] == 0xDF && bytes[3] == 0xA3 {
            return .matroska
        }
        if bytes.count >= 4 && bytes[0] == 0x30 && bytes[1] == 0x26 && bytes[2] == 0xB2 && bytes[3] == 0x75 {
            return .asf
        }
        if !bytes.isEmpty && bytes.allSatisfy({ $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || ($0 >= 0x20 && $0 != 0x7F) }) {
            return .text
        }
        return .unknown
    }

    /// Reads the first `count` bytes of the file at `path` (fewer if the file is shorter).
    static func leadingBytes(of path: String, count: Int = 512) -> [UInt8] {
        guard let h = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? h.close() }
        return [UInt8]((try? h.read(upToCount: count)) ?? Data())
    }

    /// A human name for messages.
    public var name: String {
        switch self {
        case .riffWave: return "RIFF/WAVE"
        case .rf64: return "RF64"
        case .wave64: return "Wave64"
        case .flac: return "FLAC"
        case .ogg: return "Ogg"
        case .mp3: return "MP3"
        case .aiff: return "AIFF"
        case .caf: return "CAF"
        case .mpeg4: return "MPEG-4"
        case .matroska: return "Matroska/WebM"
        case .asf: return "ASF/WMA"
        case .text: return "text"
        case .unknown: return "unknown"
        }
    }

    /// For a container libsndfile does not handle, a short explanation; nil otherwise.
    var unsupportedReason: String? {
        switch self {
        case .mpeg4: return "MPEG-4/QuickTime container (AAC/ALAC, e.g. .m4a/.mp4) is not supported by libsndfile; convert to WAV or FLAC"
        case .matroska: return "Matroska/WebM container is not supported by libsndfile; convert to WAV or FLAC"
        case .asf: return "ASF/WMA container is not supported by libsndfile; convert to WAV or FLAC"
        default: return nil
        }
    }
}

/// The byte layout of a RIFF/WAVE file's `data` chunk, to detect truncation that libsndfile
/// silently tolerates (it shortens the stream and only logs a warning).
struct WaveDataChunk {
    /// Size the header declares for the `data` chunk.
    let declaredBytes: UInt64
    /// Bytes actually present after the chunk header.
    let availableBytes: UInt64

    /// Walks the RIFF chunks of the file at `path`; nil when there is no `data` chunk header.
    static func read(path: String) -> WaveDataChunk? {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        guard let fileSize = try? h.seekToEnd() else { return nil }
        var offset: UInt64 = 12
        while offset + 8 <= fileSize {
            guard (try? h.seek(toOffset: offset)) != nil, let header = try? h.read(upToCount: 8), header.count == 8 else { return nil }
            let id = String(decoding: header.prefix(4), as: UTF8.self)
            let size = UInt64(header[4]) | UInt64(header[5]) << 8 | UInt64(header[6]) << 16 | UInt64(header[7]) << 24
            if id == "data" { return WaveDataChunk(declaredBytes: size, availableBytes: fileSize - offset - 8) }
            offset += 8 + size + (size & 1)
        }
        return nil
    }
}
