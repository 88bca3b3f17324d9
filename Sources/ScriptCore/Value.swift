import Foundation
import Tensor

/// A script value. Lists and maps are shared references (assigning one to two names aliases
/// it, as in Python and Lua); everything else behaves as an immutable value. Tensors are the
/// engine's `Tensor` (so gradients flow through whatever a script computes).
///
/// `@unchecked Sendable`: a session's values live on the thread running its interpreter; the
/// conformance only lets immutable tables and errors mention `Value` in Swift 6 mode. Do not
/// share one list or map between threads.
public enum Value: @unchecked Sendable {
    case `nil`
    case bool(Bool)
    case number(Double)
    case string(String)
    case list(ListBox)
    case map(MapBox)
    /// `start..<end` stepping by `step` (`a...b` is stored as `a..<b+1`).
    case range(start: Int, end: Int, step: Int)
    case function(Callable)
    case tensor(Tensor)
    case host(HostObject)

    /// The name used in messages and by `type(x)`.
    /// True for `nil` (what a REPL does not print).
    public var isNil: Bool {
        if case .nil = self { return true }
        return false
    }

    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .list: return "list"
        case .map: return "map"
        case .range: return "range"
        case .function: return "function"
        case .tensor: return "tensor"
        case let .host(h): return h.typeName
        }
    }

    /// `nil` and `false` are false; a one-element tensor is its value != 0; everything else is
    /// true. A many-element tensor has no truth value (that is almost always a bug).
    public func truthy() throws -> Bool {
        switch self {
        case .nil: return false
        case let .bool(b): return b
        case let .tensor(t):
            guard t.count == 1 else {
                throw ScriptError.runtime("a tensor of shape \(shapeString(t.shape)) has no truth value; use .sum(), .max() or .item()")
            }
            return t.toArray()[0] != 0
        default: return true
        }
    }

    /// A float32 element as a number, through its shortest decimal form, so `0.1` stored in a
    /// tensor reads back as 0.1 rather than 0.10000000149011612.
    public static func float(_ x: Float) -> Value {
        .number(x.isFinite ? Double("\(x)") ?? Double(x) : Double(x))
    }

    /// Convenience constructors.
    public static func list(_ items: [Value]) -> Value { .list(ListBox(items)) }
    public static func int(_ i: Int) -> Value { .number(Double(i)) }
}

/// A mutable list shared by reference.
public final class ListBox {
    public var items: [Value]
    public init(_ items: [Value]) { self.items = items }
}

/// A mutable map with string keys that remembers insertion order (so printing is stable).
public final class MapBox {
    public private(set) var keys: [String] = []
    private var storage: [String: Value] = [:]
    public init() {}
    public init(_ pairs: [(String, Value)]) { for (k, v) in pairs { self[k] = v } }
    public subscript(key: String) -> Value? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }
    public var count: Int { keys.count }
}

/// Anything a script can call: user closures and built-in (host) functions.
public protocol Callable: AnyObject {
    /// Shown in stack traces and by `help`.
    var name: String { get }
}

/// A user function: its declaration and the environment it closed over.
public final class Closure: Callable {
    public let decl: FunctionDecl
    let environment: Environment
    public var name: String { decl.name }
    init(decl: FunctionDecl, environment: Environment) {
        self.decl = decl
        self.environment = environment
    }
}

// MARK: Printing

extension Value {
    /// How `print` and `str` show a value: strings bare, everything else as `repr`.
    public var displayString: String {
        if case let .string(s) = self { return s }
        return repr
    }

    /// How the REPL and containers show a value (strings quoted).
    public var repr: String {
        var seen = Set<ObjectIdentifier>()
        return repr(&seen)
    }

    private func repr(_ seen: inout Set<ObjectIdentifier>) -> String {
        switch self {
        case .nil: return "nil"
        case let .bool(b): return b ? "true" : "false"
        case let .number(n): return Value.format(n)
        case let .string(s): return Value.quote(s)
        case let .list(l):
            // Cycles print as [...] rather than recursing forever.
            let id = ObjectIdentifier(l)
            // Cycles, and nesting deep enough to threaten the stack, print as [...].
            if seen.contains(id) || seen.count > 64 { return "[...]" }
            seen.insert(id)
            defer { seen.remove(id) }
            return "[" + l.items.map { $0.repr(&seen) }.joined(separator: ", ") + "]"
        case let .map(m):
            let id = ObjectIdentifier(m)
            if seen.contains(id) || seen.count > 64 { return "{...}" }
            seen.insert(id)
            defer { seen.remove(id) }
            return "{" + m.keys.map { "\(Value.quote($0)): \(m[$0]!.repr(&seen))" }.joined(separator: ", ") + "}"
        case let .range(s, e, st): return st == 1 ? "\(s)..<\(e)" : "range(\(s), \(e), \(st))"
        case let .function(f): return f is Closure ? "<fn \(f.name)>" : "<builtin \(f.name)>"
        case let .tensor(t): return Value.format(t)
        case let .host(h): return h.description
        }
    }

    /// Integers without a decimal point; other numbers in Swift's shortest round-trip form.
    public static func format(_ n: Double) -> String {
        if n.isNaN { return "nan" }
        if n.isInfinite { return n > 0 ? "inf" : "-inf" }
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return String(n)
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out + "\""
    }

    /// A float element: integers bare, else 4 significant digits.
    static func formatElement(_ x: Float) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == x.rounded(), abs(x) < 1e7 { return String(Int(x)) }
        return String(format: "%.4g", Double(x))
    }

    /// `tensor([[1, 2], [3, 4]])` for small tensors; shape and the first values for large ones.
    /// A trainable leaf is marked `param`.
    public static func format(_ t: Tensor) -> String {
        let values = t.toArray()
        let tag = t.requiresGrad ? ", grad" : ""
        if values.count > 100 {
            let head = values.prefix(6).map(formatElement).joined(separator: ", ")
            return "tensor(shape: \(shapeString(t.shape)), [\(head), ...]\(tag))"
        }
        var i = 0
        func nest(_ dim: Int) -> String {
            if dim == t.rank {
                defer { i += 1 }
                return formatElement(values[i])
            }
            return "[" + (0..<t.shape[dim]).map { _ in nest(dim + 1) }.joined(separator: ", ") + "]"
        }
        let body = t.rank == 0 ? formatElement(values[0]) : nest(0)
        let shapeNote = t.count == 0 ? ", shape: \(shapeString(t.shape))" : ""
        return "tensor(\(body)\(shapeNote)\(tag))"
    }
}
