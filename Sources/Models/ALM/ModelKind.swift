import Foundation

/// One argument of a model kind. In a spec string the arguments marked `positional` follow the
/// kind's name in order, separated by colons (`pengi-random:tiny:3`); a trailing `.path`
/// argument takes the rest of the string, colons included. Arguments marked `named` are written
/// after those as `:name=value` parts, in any order (`laion-clap:PATH:amodel=HTSAT-base`). In
/// scripts every argument is a parameter of the kind's builtin (`pengi(path, preprocessing: "clean")`).
public struct ModelArgument: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A file or folder (`~` expanded; scripts resolve it beside the running script).
        case path
        /// One of these words.
        case choice([String])
        /// A non-negative integer.
        case count
    }

    public let name: String
    public let doc: String
    public let kind: Kind
    /// The default, as written in a spec; nil when the argument is required. An optional
    /// argument with no meaningful default (a path found on its own) has `""`.
    public let defaultValue: String?
    /// Whether the argument is written by position in a spec string.
    public let positional: Bool
    /// Whether the argument is written as `:name=value` in a spec string (never positional; it
    /// needs a default, and a value holding a colon cannot be written this way).
    public let named: Bool

    /// `named: true` makes the argument a `name=value` part (and not positional); with neither,
    /// `positional: false` leaves it to scripts.
    public init(_ name: String, _ doc: String, _ kind: Kind, default defaultValue: String? = nil, positional: Bool = true,
                named: Bool = false) {
        precondition(!named || defaultValue != nil, "a named argument needs a default")
        self.name = name
        self.doc = doc
        self.kind = kind
        self.defaultValue = defaultValue
        self.positional = positional && !named
        self.named = named
    }

    /// Checks one value; returns it normalised (choices lower-cased, paths tilde-expanded).
    func check(_ value: String, context: String, resolvePath: (String) -> String) throws -> String {
        switch kind {
        case .path:
            return resolvePath((value as NSString).expandingTildeInPath)
        case let .choice(words):
            guard words.contains(value.lowercased()) else {
                throw ModelSpecError(context: context, "\(name) must be one of \(words.joined(separator: ", ")), found '\(value)'")
            }
            return value.lowercased()
        case .count:
            guard let n = Int(value), n >= 0 else {
                throw ModelSpecError(context: context, "\(name) must be a non-negative integer, found '\(value)'")
            }
            return String(n)
        }
    }
}

/// A kind of audio-language model palm can load: its name, what it is, its arguments and how
/// to load it. Each model's folder declares its kinds (`PENGIModel+Kinds.swift`, ...), and
/// `ModelRegistry.kinds` lists them; the CLI (`--model SPEC`) and scripts (`model(SPEC)` and
/// the kind's own builtin) both load through `ModelSpec`, so a new kind is one declaration and
/// one registry line.
public struct ModelKind: Sendable {
    /// The spec name (`pengi-random`).
    public let name: String
    /// One line for help and error messages.
    public let summary: String
    public let arguments: [ModelArgument]
    /// The script builtin that loads this kind with keyword arguments (`pengi_random`), or nil.
    public let builtin: String?
    /// Loads the model from checked arguments (every argument present, defaults applied).
    public let load: @Sendable (ModelSpec) throws -> AudioLanguageModel

    public init(name: String, summary: String, arguments: [ModelArgument], builtin: String? = nil,
                load: @escaping @Sendable (ModelSpec) throws -> AudioLanguageModel) {
        self.name = name
        self.summary = summary
        self.arguments = arguments
        self.builtin = builtin
        self.load = load
    }

    /// How a spec of this kind is written: `pengi:PATH`, `pengi-random[:SIZE[:SEED]]`.
    public var form: String {
        var out = name
        var optionalDepth = 0
        for a in arguments where a.positional {
            var word = a.name.uppercased()
            if case let .choice(words) = a.kind { word = words.joined(separator: "|") }
            if a.defaultValue != nil {
                out += "[:" + word
                optionalDepth += 1
            } else {
                out += ":" + word
            }
        }
        out += String(repeating: "]", count: optionalDepth)
        for a in arguments where a.named {
            var word = a.name.uppercased()
            if case let .choice(words) = a.kind { word = words.joined(separator: "|") }
            out += "[:\(a.name)=\(word)]"
        }
        return out
    }
}

/// A spec that cannot be read: names the spec (or the builtin it came through) and what was
/// expected.
public struct ModelSpecError: Error, CustomStringConvertible, Equatable {
    public private(set) var description: String

    /// `model spec 'SPEC': reason`.
    public init(spec: String, _ reason: String) { description = "model spec '\(spec)': \(reason)" }

    /// `context: reason` (a script builtin's name as context).
    public init(context: String, _ reason: String) { description = "\(context): \(reason)" }

    /// A spec whose kind palm does not know.
    static func unknownKind(_ spec: String, hint: String, forms: [String]) -> ModelSpecError {
        var e = ModelSpecError(spec: spec, "")
        e.description = "unknown model spec '\(spec)'\(hint); expected one of: \(forms.joined(separator: ", "))"
        return e
    }
}
