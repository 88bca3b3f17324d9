import Foundation

/// A Swift object exposed to scripts: a model, dataset, learner, optimizer, table...
///
/// Later layers register their types by conforming to this protocol and adding constructor
/// builtins with `Interpreter.define(_:)`; the interpreter needs no change. Fields are read
/// with `x.name`; methods are `Builtin`s bound to the object (their closures capture it), and
/// their `Doc`s serve `help(x)` and tab completion. A method's `Doc.name` should be
/// `typeName.method` (`dataset.fold`) so help reads well.
public protocol HostObject: AnyObject, CustomStringConvertible {
    /// The type name shown by `type(x)` and in error messages.
    var typeName: String { get }
    /// One paragraph for `help(x)`.
    var typeSummary: String { get }
    /// Readable fields and what they hold.
    var fieldDocs: [(name: String, doc: String)] { get }
    /// The value of field `name`, or nil if there is no such field.
    func field(_ name: String) throws -> Value?
    /// Methods bound to this object.
    var methods: [Builtin] { get }
    /// Assigns a field (`x.name = v`); the default refuses.
    func setField(_ name: String, _ value: Value) throws
}

extension HostObject {
    public var typeSummary: String { "" }
    public var fieldDocs: [(name: String, doc: String)] { [] }
    public func field(_ name: String) throws -> Value? { nil }
    public var methods: [Builtin] { [] }
    public func setField(_ name: String, _ value: Value) throws {
        throw ScriptError.runtime("cannot assign field '\(name)' of \(typeName)")
    }
    public var description: String { "<\(typeName)>" }

    /// The method called `name`, matched on the part after the last dot of its `Doc.name`.
    public func method(_ name: String) -> Builtin? {
        methods.first { $0.doc.name == name || $0.doc.name.hasSuffix("." + name) }
    }

    /// The help text: summary, fields, methods.
    public var helpText: String {
        var out = typeName + (typeSummary.isEmpty ? "" : ": " + typeSummary)
        if !fieldDocs.isEmpty {
            out += "\nfields:"
            for f in fieldDocs { out += "\n  .\(f.name): \(f.doc)" }
        }
        if !methods.isEmpty {
            out += "\nmethods:"
            for m in methods { out += "\n  .\(memberSignature(m.doc))\n      \(m.doc.summary)" }
        }
        return out
    }
}
