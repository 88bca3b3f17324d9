import Foundation

// Built-in functions: their documentation (which doubles as the parameter list they bind
// arguments to) and their bodies.

/// One documented parameter of a built-in function or method.
public struct Param: Sendable {
    public let name: String
    public let doc: String
    /// Source text of the default (`"0"`, `"nil"`); nil when the parameter is required.
    public let defaultText: String?
    /// Other keyword spellings accepted for it (`class_specific` for `csc`).
    public let aliases: [String]
    public init(_ name: String, _ doc: String, default defaultText: String? = nil, aliases: [String] = []) {
        self.name = name
        self.doc = doc
        self.defaultText = defaultText
        self.aliases = aliases
    }
    public var isRequired: Bool { defaultText == nil }
}

/// The documentation of a built-in function, method or field. The parameter list is also the
/// binding contract: arguments are matched to these names (positionally, then by keyword), and
/// completion offers them as keyword arguments.
public struct Doc: Sendable {
    /// `zeros`, or `tensor.sum` for methods.
    public let name: String
    public let summary: String
    public let params: [Param]
    /// Extra positional arguments are accepted (as in `print(a, b, c)`).
    public let variadic: Bool
    public let returns: String

    public init(_ name: String, _ summary: String, params: [Param] = [], variadic: Bool = false, returns: String = "") {
        self.name = name
        self.summary = summary
        self.params = params
        self.variadic = variadic
        self.returns = returns
    }

    /// `zeros(shape...) -> tensor`.
    public var signature: String {
        var ps = params.map { p in p.defaultText.map { "\(p.name): \($0)" } ?? p.name }
        if variadic { ps.insert("...", at: 0) }
        return "\(name)(\(ps.joined(separator: ", ")))" + (returns.isEmpty ? "" : " -> \(returns)")
    }

    /// The full text `help` prints.
    public var text: String {
        var out = signature + "\n  " + summary
        for p in params {
            out += "\n    \(p.name)" + (p.defaultText.map { " (default \($0))" } ?? "") + ": \(p.doc)"
        }
        return out
    }
}

/// Arguments of one call after binding to a `Doc`'s parameters: `values[i]` is parameter i (nil
/// when omitted and defaulted), `rest` the extra positionals of a variadic function.
public struct Arguments {
    public let callee: String
    public let values: [Value?]
    public let rest: [Value]
    let params: [Param]

    /// Binds positional then keyword arguments to `doc.params`; errors name the function and
    /// the offending argument.
    init(doc: Doc, positional: [Value], keywords: [(String, Value)]) throws {
        callee = doc.name
        params = doc.params
        var values = [Value?](repeating: nil, count: doc.params.count)
        // A variadic function takes every positional argument as `rest`; its parameters are
        // keyword-only (`randn(2, 3, seed: 0)`).
        let fixed = doc.variadic ? 0 : doc.params.count
        if positional.count > fixed, !doc.variadic {
            throw ScriptError.runtime("\(doc.name) takes at most \(doc.params.count) argument\(doc.params.count == 1 ? "" : "s"), got \(positional.count)")
        }
        for (i, v) in positional.prefix(fixed).enumerated() { values[i] = v }
        rest = Array(positional.dropFirst(fixed))
        for (label, v) in keywords {
            guard let i = doc.params.firstIndex(where: { $0.name == label || $0.aliases.contains(label) }) else {
                let known = doc.params.map(\.name).joined(separator: ", ")
                throw ScriptError.runtime("\(doc.name) has no parameter '\(label)'" + (known.isEmpty ? "" : " (parameters: \(known))"))
            }
            if values[i] != nil { throw ScriptError.runtime("\(doc.name): argument '\(doc.params[i].name)' given twice") }
            values[i] = v
        }
        for (i, p) in doc.params.enumerated() where p.isRequired && values[i] == nil {
            throw ScriptError.runtime("\(doc.name) is missing argument '\(p.name)'")
        }
        self.values = values
    }

    /// The value of parameter `i`, or nil when omitted (or passed as `nil`).
    public subscript(i: Int) -> Value? {
        if case .nil? = values[i] { return nil }
        return values[i]
    }

    public func context(_ i: Int) -> String { "\(callee) argument '\(params[i].name)'" }

    public func number(_ i: Int) throws -> Double {
        guard let v = self[i] else { throw ScriptError.runtime("\(context(i)) is required") }
        return try v.asNumber(context(i))
    }
    public func number(_ i: Int, default d: Double) throws -> Double { try self[i].map { try $0.asNumber(context(i)) } ?? d }
    public func int(_ i: Int) throws -> Int {
        guard let v = self[i] else { throw ScriptError.runtime("\(context(i)) is required") }
        return try v.asInt(context(i))
    }
    public func int(_ i: Int, default d: Int) throws -> Int { try self[i].map { try $0.asInt(context(i)) } ?? d }
    public func bool(_ i: Int, default d: Bool) throws -> Bool {
        guard let v = self[i] else { return d }
        guard case let .bool(b) = v else { throw ScriptError.type(expected: "bool", found: v, context: context(i)) }
        return b
    }
    public func string(_ i: Int) throws -> String {
        guard let v = self[i] else { throw ScriptError.runtime("\(context(i)) is required") }
        guard case let .string(s) = v else { throw ScriptError.type(expected: "string", found: v, context: context(i)) }
        return s
    }
    public func value(_ i: Int) throws -> Value {
        guard let v = self[i] else { throw ScriptError.runtime("\(context(i)) is required") }
        return v
    }
}

/// A built-in function: its documentation (which is also its parameter list) and body.
public final class Builtin: Callable {
    public let doc: Doc
    public let body: (Arguments, Interpreter) throws -> Value
    public var name: String { doc.name }
    public init(_ doc: Doc, _ body: @escaping (Arguments, Interpreter) throws -> Value) {
        self.doc = doc
        self.body = body
    }
}

/// A method's signature without its type prefix: `sum(axis: nil)` for `tensor.sum`.
func memberSignature(_ doc: Doc) -> String {
    guard let dot = doc.name.firstIndex(of: ".") else { return doc.signature }
    return String(doc.signature[doc.signature.index(after: dot)...])
}
