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
/// Keys are compared by their UTF-8 bytes, as Python's dict compares code points: Swift's `==`
/// on `String` is canonical equivalence, which would merge "café" written with é (NFC) and
/// with e and a combining accent (NFD), and datasets keep such labels as two classes.
public final class MapBox {
    public private(set) var keys: [String] = []
    private var storage: [MapKey: Value] = [:]
    public init() {}
    public init(_ pairs: [(String, Value)]) { for (k, v) in pairs { self[k] = v } }
    public subscript(key: String) -> Value? {
        get { storage[MapKey(key)] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: MapKey(key)) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: MapKey(key)) != nil {
                keys.removeAll { $0.utf8.elementsEqual(key.utf8) }
            }
        }
    }
    public var count: Int { keys.count }
}

/// A `MapBox` key: equal and hashed by UTF-8 bytes (see `MapBox`).
private struct MapKey: Hashable {
    let text: String
    init(_ text: String) { self.text = text }
    static func == (a: MapKey, b: MapKey) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
    func hash(into hasher: inout Hasher) {
        var copy = text
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
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
    /// How `print` and `str` show a value: strings bare, everything else as `repr`. Cut (with
    /// a note) past `displayLimit` bytes: a list holding the same list twice, 60 levels deep,
    /// would otherwise print for ever; `displayText()` throws instead.
    public var displayString: String {
        if case let .string(s) = self { return s }
        return repr
    }

    /// How the REPL and containers show a value (strings quoted), cut as `displayString` is.
    public var repr: String {
        var out = ""
        if !render(into: &out, limit: Value.displayLimit) {
            out += "... (cut at \(AllocationBudget.bytesText(Value.displayLimit)))"
        }
        return out
    }

    /// Bytes of text `displayString` and `repr` show before cutting.
    public static let displayLimit = 1 << 24

    /// `displayString` in full, or an error when the text would pass the cap or the memory
    /// budget (for `str`, `print`, interpolation and `join`, whose results scripts keep).
    public func displayText() throws -> String {
        if case let .string(s) = self { return s }
        return try reprText()
    }

    /// `repr` in full, or an error as `displayText()`.
    public func reprText() throws -> String {
        // Only lists and maps can grow without end (by holding one value many times); other
        // text is at most twice a value the script already holds (a quoted string), checked
        // without reading resident memory for the small texts printed in loops.
        switch self {
        case .list, .map: break
        default:
            let text = scalarText
            try AllocationBudget.require(text.utf8.count, .string)
            return text
        }
        var out = ""
        let limit = min(AllocationBudget.maxElements, max(0, AllocationBudget.memoryBudget - AllocationBudget.residentBytes()))
        guard render(into: &out, limit: limit) else {
            throw ScriptError.runtime("the text of this \(typeName) is longer than \(AllocationBudget.bytesText(limit)), the most a string may hold")
        }
        try AllocationBudget.require(out.utf8.count, .string)
        return out
    }

    /// Appends the value's `repr` to `out`; false (leaving `out` partial) once it passes
    /// `limit` bytes.
    private func render(into out: inout String, limit: Int) -> Bool {
        var seen = Set<ObjectIdentifier>()
        return render(into: &out, limit: limit, seen: &seen)
    }

    private func render(into out: inout String, limit: Int, seen: inout Set<ObjectIdentifier>) -> Bool {
        switch self {
        case let .list(l):
            // Cycles, and nesting deep enough to threaten the stack, print as [...].
            let id = ObjectIdentifier(l)
            if seen.contains(id) || seen.count > 64 { out += "[...]"; return out.utf8.count <= limit }
            seen.insert(id)
            defer { seen.remove(id) }
            out += "["
            for (i, item) in l.items.enumerated() {
                if i > 0 { out += ", " }
                guard item.render(into: &out, limit: limit, seen: &seen) else { return false }
            }
            out += "]"
        case let .map(m):
            let id = ObjectIdentifier(m)
            if seen.contains(id) || seen.count > 64 { out += "{...}"; return out.utf8.count <= limit }
            seen.insert(id)
            defer { seen.remove(id) }
            out += "{"
            for (i, key) in m.keys.enumerated() {
                if i > 0 { out += ", " }
                out += Value.quote(key) + ": "
                guard m[key]!.render(into: &out, limit: limit, seen: &seen) else { return false }
            }
            out += "}"
        default: out += scalarText
        }
        return out.utf8.count <= limit
    }

    /// The text of a value that holds no other values.
    private var scalarText: String {
        switch self {
        case .nil: return "nil"
        case let .bool(b): return b ? "true" : "false"
        case let .number(n): return Value.format(n)
        case let .string(s): return Value.quote(s)
        case let .range(s, e, st): return st == 1 ? "\(s)..<\(e)" : "range(\(s), \(e), \(st))"
        case let .function(f): return f is Closure ? "<fn \(f.name)>" : "<builtin \(f.name)>"
        case let .tensor(t): return Value.format(t)
        case let .host(h): return h.description
        case .list, .map: return "[...]"  // rendered by `render`
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

    /// `tensor([[1, 2], [3, 4]])` for small tensors; shape and the first values for large ones;
    /// `tensor([], shape: [2, 0])` for empty ones. A tensor that requires gradients is marked
    /// `grad`. Takes time in the size of the text, not of the tensor.
    public static func format(_ t: Tensor) -> String {
        let tag = t.requiresGrad ? ", grad" : ""
        let count = t.count
        if count == 0 {
            // NumPy's form: a zero dimension under a large one ([100000000, 0]) would otherwise
            // list a hundred million empty rows.
            return "tensor([], shape: \(shapeString(t.shape))\(tag))"
        }
        if count > 100 {
            let head = leadingElements(t, 6).map(formatElement).joined(separator: ", ")
            return "tensor(shape: \(shapeString(t.shape)), [\(head), ...]\(tag))"
        }
        let values = t.toArray()
        var i = 0
        func nest(_ dim: Int) -> String {
            if dim == t.rank {
                defer { i += 1 }
                return formatElement(values[i])
            }
            return "[" + (0..<t.shape[dim]).map { _ in nest(dim + 1) }.joined(separator: ", ") + "]"
        }
        let body = t.rank == 0 ? formatElement(values[0]) : nest(0)
        return "tensor(\(body)\(tag))"
    }

    /// The first `n` elements of non-empty `t` in row-major order, read through its strides
    /// (a large tensor is not copied to show six of its values).
    static func leadingElements(_ t: Tensor, _ n: Int) -> [Float] {
        var index = [Int](repeating: 0, count: t.rank)
        var out: [Float] = []
        for _ in 0..<min(n, t.count) {
            out.append(t.pointer[zip(index, t.strides).reduce(0) { $0 + $1.0 * $1.1 }])
            var d = t.rank - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < t.shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return out
    }
}
