import Support

/// A model named as the CLI and scripts name it: a kind and its arguments, e.g. `pengi:PATH`,
/// `pengi-random:tiny:3`, `demo`. Parsing checks every argument against the kind's
/// declaration, so a bad spec fails before anything loads; `description` writes the canonical
/// spec back (defaults filled in), which is how results and model objects name their model.
public struct ModelSpec: Sendable, CustomStringConvertible {
    public let kind: ModelKind
    /// Every argument of the kind by name, checked, defaults applied.
    public let values: [String: String]

    /// Parses `kind[:arg[:arg...]]`. `resolvePath` turns a relative path argument into the
    /// file it means (scripts look beside the running script); `~` is expanded first.
    public init(_ text: String, resolvePath: (String) -> String = { $0 }) throws {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let kind = try ModelRegistry.kind(named: parts[0], spec: text)
        var given: [String: String] = [:]
        var rest = parts.count > 1 ? parts[1] : nil
        // Trailing `name=value` parts set named arguments; they are peeled from the right, so a
        // path before them may hold colons (and a part that is not `known-name=...` stays in it).
        let named = kind.arguments.filter(\.named)
        while let r = rest, !named.isEmpty {
            let cut = r.lastIndex(of: ":")
            let part = cut.map { r[r.index(after: $0)...] } ?? r[...]
            guard let eq = part.firstIndex(of: "="), let a = named.first(where: { $0.name == part[..<eq].lowercased() }) else { break }
            guard given[a.name] == nil else { throw ModelSpecError(spec: text, "\(a.name)= is given twice") }
            given[a.name] = String(part[part.index(after: eq)...])
            rest = cut.map { String(r[..<$0]) }
        }
        let positional = kind.arguments.filter(\.positional)
        for (i, a) in positional.enumerated() {
            guard let r = rest else { break }
            if a.kind == .path || i == positional.count - 1 {
                given[a.name] = r  // a path (or the last argument) takes the rest, colons included
                rest = nil
            } else {
                let f = r.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                given[a.name] = f[0]
                rest = f.count > 1 ? f[1] : nil
            }
        }
        if positional.isEmpty, let r = rest, !r.isEmpty {
            throw ModelSpecError(spec: text, "\(kind.name) takes no arguments (written \(kind.form))")
        }
        try self.init(kind: kind, given, context: "model spec '\(text)'", resolvePath: resolvePath)
    }

    /// A spec of `kind` from named values (a script builtin's keyword arguments); missing
    /// optional arguments take their defaults, unknown names are errors. `context` starts the
    /// error messages (the builtin's name, or `model spec '...'`).
    public init(kind: ModelKind, _ given: [String: String], context: String? = nil, resolvePath: (String) -> String = { $0 }) throws {
        let shown = context ?? "model spec '\(kind.name)'"
        for name in given.keys where !kind.arguments.contains(where: { $0.name == name }) {
            throw ModelSpecError(context: shown, "\(kind.name) has no argument '\(name)' (arguments: \(kind.arguments.map(\.name).joined(separator: ", ")))")
        }
        var values: [String: String] = [:]
        for a in kind.arguments {
            if let v = given[a.name], !v.isEmpty {
                values[a.name] = try a.check(v, context: shown, resolvePath: resolvePath)
            } else if let d = a.defaultValue {
                values[a.name] = d
            } else {
                throw ModelSpecError(context: shown, "expected \(kind.form): \(a.name) (\(a.doc)) is missing")
            }
        }
        self.kind = kind
        self.values = values
    }

    /// The value of argument `name` ("" for an absent optional path).
    public subscript(name: String) -> String { values[name] ?? "" }

    /// The argument `name` as an integer (a `.count` argument).
    public func count(_ name: String) -> Int { Int(values[name] ?? "") ?? 0 }

    /// The argument `name` as a path, or nil when it was left empty.
    public func path(_ name: String) -> String? {
        let v = self[name]
        return v.isEmpty ? nil : v
    }

    /// Canonical text: the kind, then its positional arguments up to the last one that
    /// differs from its default.
    public var description: String {
        let positional = kind.arguments.filter(\.positional)
        var shown = positional.map { self[$0.name] }
        while let last = shown.indices.last, let d = positional[last].defaultValue, shown[last] == d { shown.removeLast() }
        for a in kind.arguments where a.named && self[a.name] != a.defaultValue { shown.append("\(a.name)=\(self[a.name])") }
        return ([kind.name] + shown).joined(separator: ":")
    }

    /// Loads the model.
    public func load() throws -> AudioLanguageModel { try kind.load(self) }

    /// Parses and loads `text`.
    public static func load(_ text: String) throws -> AudioLanguageModel { try ModelSpec(text).load() }

    /// The spec forms palm understands, for help and error messages.
    public static var forms: [String] { ModelRegistry.kinds.map(\.form) }
}

/// Every model kind palm knows, in the order help lists them. Adding a model means declaring
/// its `ModelKind` beside the model and adding it here.
public enum ModelRegistry {
    public static let kinds: [ModelKind] = [
        PENGIModel.checkpointKind, PENGIModel.cleanCheckpointKind, PENGIModel.randomKind,
        DemoModel.kind, MiniLMTextEncoder.kind, AISFXAudioEncoder.kind,
        MSCLAP2022Model.checkpointKind, MSCLAP2022Model.randomKind,
        MSCLAP2023Model.checkpointKind, MSCLAP2023Model.randomKind,
        LAIONCLAPModel.checkpointKind, LAIONCLAPModel.randomKind,
    ]

    /// The kind called `name`; the error lists the kinds and suggests the closest.
    public static func kind(named name: String, spec: String? = nil) throws -> ModelKind {
        let key = name.lowercased()
        if let k = kinds.first(where: { $0.name == key }) { return k }
        throw ModelSpecError.unknownKind(spec ?? name, hint: NameSuggestion.hint(for: key, in: kinds.map(\.name)), forms: ModelSpec.forms)
    }
}
