import Foundation

/// A JSON document as a value: what the Jupyter kernel's messages and `.ipynb` notebooks are
/// made of. Objects keep no key order; `encoded()` writes keys sorted, so the same value always
/// gives the same bytes (a committed notebook can be compared with a fresh conversion).
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// An error of reading JSON, naming what was read.
    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses `data` (UTF-8 JSON); `what` names it in the error ("connection file x.json").
    public static func parse(_ data: Data, what: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ParseError(description: "\(what) is not valid JSON: \(Self.reason(error))")
        }
    }

    private static func reason(_ error: Error) -> String {
        if case let DecodingError.dataCorrupted(context) = error {
            return (context.underlyingError.map { "\($0.localizedDescription)" }) ?? context.debugDescription
        }
        return "\(error)"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case let .bool(b): try c.encode(b)
        case let .number(n):
            // Integral numbers (counts, ports, execution counts) are written without ".0".
            if n == n.rounded(), abs(n) < 1e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case let .string(s): try c.encode(s)
        case let .array(a): try c.encode(a)
        case let .object(o): try c.encode(o)
        }
    }

    /// The UTF-8 JSON text: compact, or indented by one space per level as `nbformat` writes
    /// notebooks (`"key": value`, empty containers as `{}` and `[]`); keys sorted either way,
    /// slashes not escaped.
    public func encoded(pretty: Bool = false) -> Data {
        guard pretty else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            // Encoding a tree of plain values cannot fail.
            return (try? encoder.encode(self)) ?? Data("null".utf8)
        }
        var out = ""
        write(into: &out, indent: 0)
        return Data(out.utf8)
    }

    private func write(into out: inout String, indent: Int) {
        let pad = String(repeating: " ", count: indent + 1), close = String(repeating: " ", count: indent)
        switch self {
        case let .array(items) where !items.isEmpty:
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                item.write(into: &out, indent: indent + 1)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += close + "]"
        case let .object(members) where !members.isEmpty:
            out += "{\n"
            for (i, key) in members.keys.sorted().enumerated() {
                out += pad + String(decoding: JSONValue.string(key).encoded(), as: UTF8.self) + ": "
                members[key]!.write(into: &out, indent: indent + 1)
                out += i + 1 < members.count ? ",\n" : "\n"
            }
            out += close + "}"
        default:
            out += String(decoding: encoded(), as: UTF8.self)
        }
    }

    // MARK: Reading

    /// The member `key` of an object (nil for anything else or a missing key).
    public subscript(key: String) -> JSONValue? {
        if case let .object(o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    public var numberValue: Double? {
        if case let .number(n) = self { return n }
        return nil
    }

    public var intValue: Int? { numberValue.flatMap { $0 == $0.rounded() && abs($0) < 1e15 ? Int($0) : nil } }

    public var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case let .array(a) = self { return a }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case let .object(o) = self { return o }
        return nil
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(Dictionary(elements) { $1 }) }
    public init(nilLiteral: ()) { self = .null }
}
