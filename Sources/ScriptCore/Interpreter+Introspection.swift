// What tools around the language (completion, notebooks) may ask of values without running
// script code: their field and method names, and the value of a field.

extension Interpreter {
    /// Field and method names of a value, sorted (host objects' own, a map's keys, and the
    /// built-in members of lists, strings, tensors...).
    public func memberNames(of v: Value) -> [String] {
        var names: [String] = []
        switch v {
        case let .host(h):
            names = h.fieldDocs.map(\.name) + h.methods.map { methodShortName($0.doc.name) }
        case let .map(m):
            names = m.keys
            fallthrough
        default:
            names += (ValueMembers.fields[v.typeName]?.map(\.name) ?? []) + (ValueMembers.methods[v.typeName]?.map { methodShortName($0.doc.name) } ?? [])
        }
        return names.sorted()
    }

    /// The value of field `name` of `v` (a host object's field, a map's key, a built-in
    /// field), never calling a method; nil when there is none.
    public func fieldValue(of v: Value, _ name: String) throws -> Value? {
        switch v {
        case let .host(h): return try h.field(name)
        case let .map(m): return m[name]
        default: return try ValueMembers.fields[v.typeName]?.first { $0.name == name }?.get(v)
        }
    }
}
