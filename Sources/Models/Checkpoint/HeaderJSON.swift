/// A JSON value read strictly from an untrusted file header (a `.safetensors` header).
///
/// Foundation's `JSONSerialization` is not used there because it answers the wrong questions
/// for hostile input: it keeps one of two duplicate keys silently (the safetensors format
/// disallows duplicates), turns `true` and `4.0` into integers on request, and loses the
/// order of keys (which errors use to name the first bad entry). This reader is RFC 8259 JSON
/// with objects kept as ordered pairs, duplicate keys refused, integers kept exact, and
/// nesting bounded, so no header can make it recurse deeply.
enum HeaderJSON: Equatable {
    case null
    case bool(Bool)
    /// A number written as an integer that fits in `Int`.
    case integer(Int)
    /// Any other number (a fraction, an exponent, or an integer out of `Int`'s range), as written.
    case number(String)
    case string(String)
    case array([HeaderJSON])
    /// Keys in the order written; never two equal keys.
    case object([(key: String, value: HeaderJSON)])

    /// Deepest nesting of arrays and objects accepted (a safetensors header needs 3).
    static let maxDepth = 64

    /// What is wrong with a header, with the byte offset where it was found.
    struct SyntaxError: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "\(reason) at byte \(offset) of the header" }
    }

    /// Parses `bytes` as one JSON value, surrounded by optional whitespace.
    static func parse<Bytes: RandomAccessCollection>(_ bytes: Bytes) throws -> HeaderJSON where Bytes.Element == UInt8, Bytes.Index == Int {
        var reader = Reader(bytes: Array(bytes))
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.pos == reader.bytes.count else { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    /// A short name of the value's type, for messages.
    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    static func == (a: HeaderJSON, b: HeaderJSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.number(x), .number(y)), let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}

extension HeaderJSON {
    /// A recursive-descent reader whose recursion is bounded by `HeaderJSON.maxDepth`.
    private struct Reader {
        let bytes: [UInt8]
        var pos = 0

        func error(_ reason: String) -> SyntaxError { SyntaxError(offset: pos, reason: reason) }

        mutating func skipWhitespace() {
            while pos < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) { pos += 1 }
        }

        mutating func value(depth: Int) throws -> HeaderJSON {
            guard pos < bytes.count else { throw error("the header ends where a value should be") }
            switch bytes[pos] {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw error("unexpected character '\(Unicode.Scalar(bytes[pos]).escaped(asASCII: true))'")
            }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard bytes.count - pos >= w.count, Array(bytes[pos..<(pos + w.count)]) == w else { throw error("invalid literal") }
            pos += w.count
        }

        mutating func object(depth: Int) throws -> HeaderJSON {
            guard depth <= HeaderJSON.maxDepth else { throw error("objects and lists nested deeper than \(HeaderJSON.maxDepth) levels") }
            pos += 1  // {
            var pairs: [(key: String, value: HeaderJSON)] = []
            var seen = Set<String>()
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(pairs) }
            while true {
                skipWhitespace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
                let keyAt = pos
                let key = try string()
                // Compared after unescaping, so "a" and "\u0061" are the same key, as a JSON reader sees them.
                guard seen.insert(key).inserted else {
                    throw SyntaxError(offset: keyAt, reason: "duplicate key \(CheckpointError.quoted(key)) (the format allows each key once)")
                }
                skipWhitespace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
                pos += 1
                skipWhitespace()
                pairs.append((key, try value(depth: depth)))
                skipWhitespace()
                guard pos < bytes.count else { throw error("the header ends inside an object") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                guard bytes[pos] == UInt8(ascii: "}") else { throw error("expected ',' or '}' in an object") }
                pos += 1
                return .object(pairs)
            }
        }

        mutating func array(depth: Int) throws -> HeaderJSON {
            guard depth <= HeaderJSON.maxDepth else { throw error("objects and lists nested deeper than \(HeaderJSON.maxDepth) levels") }
            pos += 1  // [
            var items: [HeaderJSON] = []
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth))
                skipWhitespace()
                guard pos < bytes.count else { throw error("the header ends inside a list") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                guard bytes[pos] == UInt8(ascii: "]") else { throw error("expected ',' or ']' in a list") }
                pos += 1
                return .array(items)
            }
        }

        /// A number; integers that fit in `Int` exactly become `.integer`.
        mutating func number() throws -> HeaderJSON {
            let start = pos
            if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            func digits() -> Int {
                let s = pos
                while pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) { pos += 1 }
                return pos - s
            }
            let intStart = pos
            let intDigits = digits()
            guard intDigits > 0 else { throw error("a number needs digits") }
            guard intDigits == 1 || bytes[intStart] != UInt8(ascii: "0") else { throw error("a number may not start with 0") }
            var integral = true
            if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
                pos += 1
                integral = false
                guard digits() > 0 else { throw error("a number needs digits after '.'") }
            }
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
                pos += 1
                integral = false
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
                guard digits() > 0 else { throw error("a number needs digits in its exponent") }
            }
            let text = String(decoding: bytes[start..<pos], as: UTF8.self)
            // Int's own parser checks the range: 9223372036854775808 is not an Int.
            if integral, let v = Int(text) { return .integer(v) }
            return .number(text)
        }

        mutating func string() throws -> String {
            pos += 1  // opening quote
            var out = [UInt8]()
            while true {
                guard pos < bytes.count else { throw error("the header ends inside a string") }
                let b = bytes[pos]
                pos += 1
                switch b {
                case UInt8(ascii: "\""):
                    guard let s = String(validating: out, as: UTF8.self) else { throw error("a string is not valid UTF-8") }
                    return s
                case UInt8(ascii: "\\"):
                    guard pos < bytes.count else { throw error("the header ends inside an escape") }
                    let e = bytes[pos]
                    pos += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"): out += try unicodeEscape()
                    default: throw error("invalid escape in a string")
                    }
                case 0..<0x20:
                    throw error("a control character inside a string")
                default:
                    out.append(b)
                }
            }
        }

        /// `\uXXXX` (after the `u`), a surrogate pair taking two escapes; UTF-8 bytes out.
        mutating func unicodeEscape() throws -> [UInt8] {
            func hex4() throws -> UInt32 {
                guard bytes.count - pos >= 4 else { throw error("a \\u escape needs four hex digits") }
                var v: UInt32 = 0
                for b in bytes[pos..<(pos + 4)] {
                    guard let d = Character(Unicode.Scalar(b)).hexDigitValue else { throw error("a \\u escape needs four hex digits") }
                    v = v << 4 | UInt32(d)
                }
                pos += 4
                return v
            }
            var code = try hex4()
            if (0xD800..<0xDC00).contains(code) {
                guard bytes.count - pos >= 2, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                    throw error("an unpaired surrogate in a \\u escape")
                }
                pos += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("an unpaired surrogate in a \\u escape") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw error("an unpaired surrogate in a \\u escape") }
            return Array(String(Character(scalar)).utf8)
        }
    }
}
