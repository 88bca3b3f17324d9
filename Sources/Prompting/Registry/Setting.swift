import Foundation

/// A typed value of a learner or training setting.
public enum SettingValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case number(Double)
    case flag(Bool)
    case text(String)
    case texts([String])

    public var description: String {
        switch self {
        case let .int(i): return String(i)
        case let .number(x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
        case let .flag(b): return b ? "true" : "false"
        case let .text(s): return s
        case let .texts(l): return l.joined(separator: "|")
        }
    }
}

/// One setting of a learner (`n_ctx`) or of its training (`epochs`): the key, its other
/// spellings, what it holds, its default and what it does. The same declaration checks a
/// method spec (`coop:n_ctx=4`, text), a script keyword argument (`coop(m, c, n_ctx: 4)`, a
/// value) and writes the help and the README's table, so a setting lands in one place.
public struct Setting: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A positive integer.
        case count
        /// A non-negative number.
        case number
        /// true or false.
        case flag
        /// One of these words.
        case choice([String])
        /// Free text.
        case text
        /// One or more texts; in a spec string separated by `|`.
        case texts
    }

    public let key: String
    public let aliases: [String]
    public let kind: Kind
    /// The default; nil when absent means "not set" (e.g. `init`: random context).
    public let defaultValue: SettingValue?
    public let doc: String

    public init(_ key: String, _ kind: Kind, default defaultValue: SettingValue? = nil, aliases: [String] = [], _ doc: String) {
        self.key = key
        self.kind = kind
        self.defaultValue = defaultValue
        self.aliases = aliases
        self.doc = doc
    }

    /// Whether `name` is this setting's key or one of its aliases.
    public func answers(to name: String) -> Bool { key == name || aliases.contains(name) }

    /// What the setting expects, for messages: "a positive integer", "end, middle or front".
    public var expected: String {
        switch kind {
        case .count: return "a positive integer"
        case .number: return "a non-negative number"
        case .flag: return "true or false"
        case let .choice(words): return words.count > 1 ? words.dropLast().joined(separator: ", ") + " or " + words.last! : words.joined()
        case .text: return "text"
        case .texts: return "one or more texts"
        }
    }

    /// The value written as `text` (a spec string's `key=value`).
    public func parse(_ text: String) throws -> SettingValue {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .count:
            guard let i = Int(t), i > 0 else { throw SettingError(key: key, expected: expected, found: text) }
            return .int(i)
        case .number:
            guard let x = Double(t), x.isFinite, x >= 0 else { throw SettingError(key: key, expected: expected, found: text) }
            return .number(x)
        case .flag:
            guard let b = ["true": true, "false": false, "1": true, "0": false][t.lowercased()] else {
                throw SettingError(key: key, expected: expected, found: text)
            }
            return .flag(b)
        case let .choice(words):
            guard words.contains(t.lowercased()) else { throw SettingError(key: key, expected: expected, found: text) }
            return .text(t.lowercased())
        case .text:
            return .text(t)
        case .texts:
            let parts = t.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !parts.isEmpty else { throw SettingError(key: key, expected: expected, found: text) }
            return .texts(parts)
        }
    }

    /// Checks a value given from a script (numbers for counts, a text for `.texts` counts as
    /// a list of one); returns it in this setting's own form.
    public func check(_ value: SettingValue) throws -> SettingValue {
        switch (kind, value) {
        case (.count, .int(let i)) where i > 0: return value
        case (.count, .number(let x)) where x > 0 && x == x.rounded() && x < 1e15: return .int(Int(x))
        case (.number, .number(let x)) where x.isFinite && x >= 0: return value
        case (.number, .int(let i)) where i >= 0: return .number(Double(i))
        case (.flag, .flag): return value
        case (.choice, .text(let s)): return try parse(s)
        case (.text, .text): return value
        case (.texts, .texts(let l)) where !l.isEmpty: return value
        case (.texts, .text(let s)): return .texts([s])
        default: throw SettingError(key: key, expected: expected, found: value.description)
        }
    }
}

/// A setting given a value it does not take: names the key, what it takes and what was found.
public struct SettingError: Error, CustomStringConvertible, Equatable {
    public let key: String
    public let expected: String
    public let found: String
    public var description: String { "\(key) must be \(expected), found '\(found)'" }
}

/// Settings with their values: the ones given, checked, and the defaults of the rest.
public struct Settings: Sendable, Equatable {
    /// Values by canonical key.
    public private(set) var values: [String: SettingValue]

    /// `given` (canonical keys, checked values) over the defaults of `declared`.
    public init(_ declared: [Setting], given: [String: SettingValue] = [:]) {
        var v: [String: SettingValue] = [:]
        for s in declared { if let d = s.defaultValue { v[s.key] = d } }
        for (k, x) in given { v[k] = x }
        values = v
    }

    public subscript(key: String) -> SettingValue? { values[key] }

    public func int(_ key: String) -> Int? {
        if case let .int(i)? = values[key] { return i }
        return nil
    }
    public func number(_ key: String) -> Double? {
        switch values[key] {
        case let .number(x)?: return x
        case let .int(i)?: return Double(i)
        default: return nil
        }
    }
    public func flag(_ key: String) -> Bool {
        if case let .flag(b)? = values[key] { return b }
        return false
    }
    public func text(_ key: String) -> String? {
        if case let .text(s)? = values[key] { return s }
        return nil
    }
    public func texts(_ key: String) -> [String]? {
        switch values[key] {
        case let .texts(l)?: return l
        case let .text(s)?: return [s]
        default: return nil
        }
    }
}
