import Models
import Prompting
import ScriptCore

// Registry declarations as script parameters: a learner's or training setting becomes a
// keyword parameter (with its aliases, default and doc), a model kind's argument likewise, and
// script values are checked by the same declarations that check spec strings.

extension Setting {
    /// The setting as a builtin parameter.
    var parameter: Param {
        Param(key, doc, default: defaultValue.map(Setting.sourceText) ?? "nil", aliases: aliases)
    }

    /// How a default reads in palm's language (`16`, `"end"`, `["paper"]`).
    static func sourceText(_ v: SettingValue) -> String {
        switch v {
        case let .text(s): return "\"\(s)\""
        case let .texts(l): return "[" + l.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        default: return v.description
        }
    }

    /// A script value checked as this setting; errors read `callee: key must be ..., found ...`.
    func value(from v: Value, callee: String) throws -> SettingValue {
        let raw: SettingValue
        switch v {
        case let .number(x): raw = .number(x)
        case let .bool(b): raw = .flag(b)
        case let .string(s): raw = .text(s)
        case let .list(l): raw = .texts(try l.items.map { try $0.asString("\(callee) argument '\(key)'") })
        default: throw ScriptError.type(expected: expected, found: v, context: "\(callee) argument '\(key)'")
        }
        do {
            return try check(raw)
        } catch let e as SettingError {
            throw ScriptError.runtime("\(callee): \(e)")
        }
    }
}

extension Arguments {
    /// The values given for `settings`, which are parameters `first...` of this call, checked.
    func settings(_ settings: [Setting], from first: Int) throws -> [String: SettingValue] {
        var given: [String: SettingValue] = [:]
        for (i, s) in settings.enumerated() {
            if let v = self[first + i] { given[s.key] = try s.value(from: v, callee: callee) }
        }
        return given
    }
}

extension ModelArgument {
    /// The argument as a builtin parameter.
    var parameter: Param {
        Param(name, doc, default: defaultValue.map { $0.isEmpty ? "nil" : (kind == .count ? $0 : "\"\($0)\"") })
    }

    /// A script value as this argument's spec text.
    func text(from v: Value, callee: String) throws -> String {
        let context = "\(callee) argument '\(name)'"
        return kind == .count ? String(try v.asInt(context)) : try v.asString(context)
    }
}
