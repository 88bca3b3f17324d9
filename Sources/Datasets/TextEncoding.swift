/// The character encodings a list file (CSV, tab-separated list) may be read in.
///
/// Lists are UTF-8 unless the layout says otherwise (`csv:...,encoding=latin1`): a file that
/// is not valid UTF-8 is refused, naming the line and byte column, rather than decoded with
/// U+FFFD in place of the bad bytes (which silently renames classes and files).
public enum TextEncoding: String, Sendable, Equatable, CaseIterable {
    case utf8 = "utf-8"
    /// ISO 8859-1: every byte is the code point of the same value.
    case latin1 = "iso-8859-1"
    /// Windows code page 1252: Latin-1 with printable characters (€, “, ”, ...) in 0x80...0x9F.
    case windows1252 = "windows-1252"

    /// The encoding `name` names (`utf-8`, `utf8`, `latin1`, `latin-1`, `iso-8859-1`,
    /// `windows-1252`, `cp1252`; case-insensitive), or nil.
    public init?(named name: String) {
        switch name.lowercased().filter({ $0 != "-" && $0 != "_" }) {
        case "utf8": self = .utf8
        case "latin1", "iso88591", "l1": self = .latin1
        case "windows1252", "cp1252", "win1252": self = .windows1252
        default: return nil
        }
    }

    /// The spellings `init(named:)` accepts, for help and error messages.
    public static let spellings = "utf-8, latin1 (iso-8859-1), windows-1252 (cp1252)"

    /// `bytes` as UTF-8: unchanged for `.utf8` (which must be validated separately, see
    /// `firstInvalidUTF8`), transcoded byte by byte for the single-byte encodings. ASCII bytes
    /// keep their value in every case, so a parser that splits on ASCII delimiters can run on
    /// the result.
    func utf8Bytes(_ bytes: [UInt8]) -> [UInt8] {
        if self == .utf8 || !bytes.contains(where: { $0 >= 0x80 }) { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 { out.append(b); continue }
            let scalar = self == .windows1252 ? Self.windows1252High[Int(b) - 0x80] : UInt32(b)
            for unit in String(Unicode.Scalar(scalar)!).utf8 { out.append(unit) }
        }
        return out
    }

    /// Code points of the bytes 0x80...0x9F in Windows-1252. The five bytes the code page leaves
    /// undefined map to the C1 control of the same value, as browsers decode them; a control
    /// character in a path or label is then refused where it matters.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ] + (0xA0...0xFF).map { UInt32($0) }

    /// Offset of the first byte of `bytes` that does not start (or continue) a well-formed UTF-8
    /// sequence, or nil when all of `bytes` is valid UTF-8 (overlong forms, surrogates and code
    /// points past U+10FFFF are invalid, as in `String(validating:)`). One pass.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF   // allowed range of the second byte
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard i + 1 < n, (low...high).contains(bytes[i + 1]) else { return i }
            for k in 2..<length where i + k >= n || bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }
}
