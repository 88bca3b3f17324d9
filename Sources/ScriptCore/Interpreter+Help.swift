import Foundation
import Support

// `help(x)` and `:help topic`: one lookup over the docs registry, the value-type member
// tables, host objects' own docs and the topics.

extension Interpreter {
    /// The help text for a value (nil: the overview). A string is looked up as a name, a
    /// `type.method`, or a topic.
    public func helpText(_ value: Value?) -> String {
        guard let value, !(value.typeName == "nil") else { return overview }
        switch value {
        case let .string(name): return helpText(topic: name)
        case let .function(f):
            if let b = f as? Builtin { return b.doc.text }
            if let c = f as? Closure {
                let ps = c.decl.parameters.map { $0.defaultValue == nil ? $0.name : "\($0.name) = ..." }
                return "fn \(c.name)(\(ps.joined(separator: ", "))), defined at \(c.decl.location)"
            }
            return f.name
        case let .host(h): return h.helpText
        case .tensor: return topics["tensor"] ?? "tensor"
        default: return typeHelp(value.typeName)
        }
    }

    /// Help for a name: a built-in (`zeros`), a member (`tensor.sum`), a type or a topic.
    public func helpText(topic name: String) -> String {
        let name = name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty { return overview }
        // `tensor` is both a constructor and a type: show both.
        if let d = docs[name] { return d.text + (topics[name].map { "\n\n" + $0 } ?? "") }
        if let t = topics[name] { return t }
        if ValueMembers.methods[name] != nil || ValueMembers.fields[name] != nil { return typeHelp(name) }
        if case let .host(h)? = globals.lookup(name) { return h.helpText }
        if case let .function(f)? = globals.lookup(name) { return helpText(.function(f)) }
        let all = Array(docs.keys) + Array(topics.keys)
        // Names starting with the word first, then containing it, then merely close in spelling.
        func rank(_ s: String) -> Int { s.hasPrefix(name) ? 0 : s.contains(name) ? 1 : 2 }
        let close = all.filter { $0.contains(name) || NameSuggestion.editDistance($0, name) <= 2 }.sorted { (rank($0), $0) < (rank($1), $1) }
        return "no help for '\(name)'" + (close.isEmpty ? "" : "; see: " + close.prefix(8).joined(separator: ", "))
    }

    private func typeHelp(_ type: String) -> String {
        if type == "tensor", let t = topics["tensor"] { return t }
        var out = type
        if let fs = ValueMembers.fields[type], !fs.isEmpty {
            out += "\nfields:\n" + fs.map { "  .\($0.name): \($0.doc)" }.joined(separator: "\n")
        }
        if let ms = ValueMembers.methods[type], !ms.isEmpty {
            out += "\nmethods:\n" + ms.map { "  .\(memberSignature($0.doc))\n      \($0.doc.summary)" }.joined(separator: "\n")
        }
        return out
    }

    /// Every built-in by name, then the topics.
    private var overview: String {
        let functions = docs.keys.filter { !$0.contains(".") }.sorted()
        var out = "built-ins (help(name) or :help name for details):\n"
        var line = " "
        for f in functions {
            if line.count + f.count > 76 { out += line + "\n"; line = " " }
            line += " " + f
        }
        out += line
        out += "\ntypes: " + Set(ValueMembers.methods.keys).union(ValueMembers.fields.keys).sorted().joined(separator: ", ")
        out += "\ntopics: " + topics.keys.sorted().joined(separator: ", ")
        return out
    }
}
