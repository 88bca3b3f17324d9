import Foundation
import Tensor

// Fields and methods of the built-in value types (list, string, map, range, and tensor, whose
// members live in Builtins+Tensor.swift). One table per type; `help` and completion read the
// same tables.

/// A readable field of a value type.
struct FieldSpec: Sendable {
    let name: String
    let doc: String
    let get: @Sendable (Value) throws -> Value
}

/// A method of a value type; `doc.name` is `type.method`.
struct MemberSpec: Sendable {
    let doc: Doc
    let body: @Sendable (Value, Arguments, Interpreter) throws -> Value
    init(_ name: String, _ summary: String, _ params: [Param] = [], variadic: Bool = false, returns: String = "",
         _ body: @escaping @Sendable (Value, Arguments, Interpreter) throws -> Value) {
        doc = Doc(name, summary, params: params, variadic: variadic, returns: returns)
        self.body = body
    }
}

/// The member tables, by type name.
enum ValueMembers {
    static let fields: [String: [FieldSpec]] = [
        "list": [FieldSpec(name: "count", doc: "number of elements") { .int(try $0.asList("list").count) }],
        "string": [FieldSpec(name: "count", doc: "number of characters") { .int(try $0.asString("string").count) }],
        "map": [FieldSpec(name: "count", doc: "number of keys") { v in
            guard case let .map(m) = v else { return .nil }
            return .int(m.count)
        }],
        "range": [FieldSpec(name: "count", doc: "number of elements") { .int(try $0.asList("range").count) }],
        "tensor": tensorFields,
    ]

    static let methods: [String: [MemberSpec]] = [
        "list": listMethods,
        "string": stringMethods,
        "map": mapMethods,
        "tensor": tensorMethods,
    ]

    static func list(_ v: Value) -> ListBox {
        guard case let .list(l) = v else { fatalError("list method on \(v.typeName)") }
        return l
    }

    static let listMethods: [MemberSpec] = [
        MemberSpec("list.append", "Adds x at the end (in place).", [Param("x", "value")]) { v, args, _ in
            let l = list(v)
            // Growth by one checks the cap only; the interpreter's periodic check of resident
            // memory catches a loop that appends past the budget.
            try AllocationBudget.requireGrowth(of: l.items.count, .list)
            l.items.append(try args.value(0))
            return .nil
        },
        MemberSpec("list.pop", "Removes and returns the last element (or the one at index).",
                   [Param("index", "position", default: "-1")]) { v, args, interp in
            let l = list(v)
            guard !l.items.isEmpty else { throw ScriptError.runtime("pop from an empty list") }
            let i = try interp.normalizedIndex(args[0] ?? .int(-1), count: l.items.count, context: "pop index")
            return l.items.remove(at: i)
        },
        MemberSpec("list.insert", "Inserts x before index (in place).", [Param("index", "position"), Param("x", "value")]) { v, args, _ in
            let l = list(v)
            try AllocationBudget.requireGrowth(of: l.items.count, .list)
            let i = try args.int(0)
            let j = min(max(i < 0 ? i + l.items.count : i, 0), l.items.count)
            l.items.insert(try args.value(1), at: j)
            return .nil
        },
        MemberSpec("list.contains", "Whether some element equals x.", [Param("x", "value")], returns: "bool") { v, args, interp in
            let x = try args.value(0)
            return .bool(try list(v).items.contains { try interp.valuesEqual($0, x, op: .equal) == true })
        },
        MemberSpec("list.index", "Position of the first element equal to x, or nil.", [Param("x", "value")], returns: "number or nil") { v, args, interp in
            let x = try args.value(0)
            return try list(v).items.firstIndex { try interp.valuesEqual($0, x, op: .equal) == true }.map { .int($0) } ?? .nil
        },
        MemberSpec("list.map", "A new list of f(x) for each element.", [Param("f", "function of one argument")], returns: "list") { v, args, interp in
            let f = try args.value(0)
            return .list(try list(v).items.map { try interp.call(f, [$0]) })
        },
        MemberSpec("list.filter", "A new list of the elements for which f(x) is true.", [Param("f", "function of one argument")],
                   returns: "list") { v, args, interp in
            let f = try args.value(0)
            return .list(try list(v).items.filter { try interp.call(f, [$0]).truthy() })
        },
        MemberSpec("list.join", "The elements' display strings joined by sep.", [Param("sep", "separator", default: "\"\"")],
                   returns: "string") { v, args, _ in
            .string(try AllocationBudget.joined(list(v).items.map { try $0.displayText() }, separator: try args[0]?.asString("join argument 'sep'") ?? ""))
        },
        MemberSpec("list.reverse", "A reversed copy.", returns: "list") { v, _, _ in .list(list(v).items.reversed()) },
        MemberSpec("list.sum", "Sum of the elements (numbers or tensors).", returns: "number or tensor") { v, _, interp in
            try list(v).items.reduce(Value.number(0)) { try interp.binary(.add, $0, $1) }
        },
    ]

    static let stringMethods: [MemberSpec] = [
        MemberSpec("string.upper", "Upper-cased copy.", returns: "string") { v, _, _ in .string(try v.asString("").uppercased()) },
        MemberSpec("string.lower", "Lower-cased copy.", returns: "string") { v, _, _ in .string(try v.asString("").lowercased()) },
        MemberSpec("string.trim", "Copy without leading and trailing whitespace.", returns: "string") { v, _, _ in
            .string(try v.asString("").trimmingCharacters(in: .whitespacesAndNewlines))
        },
        MemberSpec("string.split", "Pieces between occurrences of sep (whitespace runs when omitted).",
                   [Param("sep", "separator", default: "nil")], returns: "list") { v, args, _ in
            let s = try v.asString("")
            if let sep = try args[0]?.asString("split argument 'sep'") {
                guard !sep.isEmpty else { throw ScriptError.runtime("split separator cannot be empty") }
                try AllocationBudget.require(mostOccurrences(of: sep, in: s) + 1, .list, atMost: true)
                return .list(s.components(separatedBy: sep).map { .string($0) })
            }
            let pieces = s.split(whereSeparator: { $0.isWhitespace })
            try AllocationBudget.require(pieces.count, .list)
            return .list(pieces.map { .string(String($0)) })
        },
        MemberSpec("string.contains", "Whether s occurs in the string.", [Param("s", "substring")], returns: "bool") { v, args, _ in
            .bool(try v.asString("").contains(try args.string(0)))
        },
        MemberSpec("string.starts_with", "Whether the string begins with s.", [Param("s", "prefix")], returns: "bool") { v, args, _ in
            .bool(try v.asString("").hasPrefix(try args.string(0)))
        },
        MemberSpec("string.ends_with", "Whether the string ends with s.", [Param("s", "suffix")], returns: "bool") { v, args, _ in
            .bool(try v.asString("").hasSuffix(try args.string(0)))
        },
        MemberSpec("string.replace", "Copy with every `old` replaced by `new`.", [Param("old", "text to find"), Param("new", "replacement")],
                   returns: "string") { v, args, _ in
            let old = try args.string(0), new = try args.string(1), s = try v.asString("")
            guard !old.isEmpty else { throw ScriptError.runtime("replace: 'old' cannot be empty") }
            // The result grows by the difference in length at every occurrence.
            if new.utf8.count > old.utf8.count {
                let (growth, o1) = mostOccurrences(of: old, in: s).multipliedReportingOverflow(by: new.utf8.count - old.utf8.count)
                let (bytes, o2) = growth.addingReportingOverflow(s.utf8.count)
                try AllocationBudget.require(o1 || o2 ? Int.max : bytes, .string, atMost: true)
            }
            return .string(s.replacingOccurrences(of: old, with: new))
        },
    ]

    /// The most times `needle` can occur in `s` without overlapping: every match spans at least
    /// one byte per character of `needle`. A bound, found without searching, that `split` and
    /// `replace` check before allocating their results.
    static func mostOccurrences(of needle: String, in s: String) -> Int {
        s.utf8.count / max(1, needle.count)
    }

    static func map(_ v: Value) -> MapBox {
        guard case let .map(m) = v else { fatalError("map method on \(v.typeName)") }
        return m
    }

    static let mapMethods: [MemberSpec] = [
        MemberSpec("map.keys", "The keys in insertion order.", returns: "list") { v, _, _ in .list(map(v).keys.map { .string($0) }) },
        MemberSpec("map.values", "The values in insertion order.", returns: "list") { v, _, _ in
            let m = map(v)
            return .list(m.keys.map { m[$0]! })
        },
        MemberSpec("map.has", "Whether key is present.", [Param("key", "string")], returns: "bool") { v, args, _ in
            .bool(map(v)[try args.string(0)] != nil)
        },
        MemberSpec("map.get", "The value at key, or `default` when absent.", [Param("key", "string"), Param("default", "fallback", default: "nil")]) { v, args, _ in
            map(v)[try args.string(0)] ?? args[1] ?? .nil
        },
        MemberSpec("map.remove", "Removes key; returns its value or nil.", [Param("key", "string")]) { v, args, _ in
            let m = map(v), k = try args.string(0)
            defer { m[k] = nil }
            return m[k] ?? .nil
        },
    ]
}

extension Interpreter {
    /// Adds the value-type members to the docs registry (`help("list.append")`).
    func installValueMemberDocs() {
        for (_, specs) in ValueMembers.methods { for s in specs { document(s.doc) } }
    }
}
