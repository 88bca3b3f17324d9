import Foundation

/// An interned name: the parser gives every identifier a small integer id, so variable lookup
/// compares integers (or indexes an array) instead of hashing strings.
public struct Symbol: Hashable, Sendable, CustomStringConvertible {
    public let id: Int
    public var name: String { SymbolTable.shared.name(id) }
    public var description: String { name }

    /// The symbol for `name` (the same id every time in this process).
    public init(_ name: String) { id = SymbolTable.shared.intern(name) }
}

/// The process-wide name <-> id table. Parsers on different threads may intern at once, so it
/// is guarded by a lock; it only grows (by distinct identifiers seen, a few thousand at most).
final class SymbolTable: @unchecked Sendable {
    static let shared = SymbolTable()
    private let lock = NSLock()
    private var ids: [String: Int] = [:]
    private var names: [String] = []

    func intern(_ name: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let id = ids[name] { return id }
        names.append(name)
        ids[name] = names.count - 1
        return names.count - 1
    }

    func name(_ id: Int) -> String {
        lock.lock()
        defer { lock.unlock() }
        return names[id]
    }

    /// Every interned name, indexed by id (one lock for a whole batch of lookups).
    func snapshot() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return names
    }

    /// The id of `name` if it was ever interned (no name, no variable can have it).
    func existing(_ name: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        return ids[name]
    }
}

/// A variable scope. Functions get a new scope whose parent is where they were defined;
/// blocks (`if`, `for`, `while`) share their function's scope, as in Python.
///
/// Two layouts: the long-lived global and built-in scopes are *dense* (an array indexed by
/// symbol id: one load per lookup), call scopes are *sparse* (a short list searched linearly,
/// cheap to create for every call).
public final class Environment {
    let parent: Environment?
    /// Scripts cannot assign here (the built-ins); assignment defines in the child instead.
    let frozen: Bool
    private let dense: Bool
    private var table: [Value?] = []
    private var ids: [Int] = []
    private var slots: [Value] = []

    init(parent: Environment?, frozen: Bool = false, dense: Bool = false) {
        self.parent = parent
        self.frozen = frozen
        self.dense = dense
    }

    /// The value bound in this scope only.
    @inline(__always)
    func local(_ id: Int) -> Value? {
        if dense { return id < table.count ? table[id] : nil }
        for i in ids.indices where ids[i] == id { return slots[i] }
        return nil
    }

    /// Binds (or rebinds) `id` in this scope.
    func define(_ id: Int, _ value: Value) {
        if dense {
            if id >= table.count { table.append(contentsOf: repeatElement(nil, count: id - table.count + 1)) }
            table[id] = value
            return
        }
        for i in ids.indices where ids[i] == id { slots[i] = value; return }
        ids.append(id)
        slots.append(value)
    }

    /// Removes a binding from this scope (dense scopes only; used by the REPL host API).
    func remove(_ id: Int) {
        if dense, id < table.count { table[id] = nil }
    }

    func lookup(_ id: Int) -> Value? {
        var env: Environment? = self
        while let e = env {
            if let v = e.local(id) { return v }
            env = e.parent
        }
        return nil
    }

    /// Assigns to the nearest (non-frozen) scope that already has the name, else defines it
    /// here.
    func assign(_ id: Int, _ value: Value) {
        var env: Environment? = self
        while let e = env, !e.frozen {
            if e.local(id) != nil { e.define(id, value); return }
            env = e.parent
        }
        define(id, value)
    }

    // String conveniences for hosts, help and completion (not on the hot path).

    /// The value of `name` here or in an enclosing scope.
    public func lookup(_ name: String) -> Value? {
        SymbolTable.shared.existing(name).flatMap { lookup($0) }
    }

    /// Binds `name` in this scope.
    public func define(_ name: String, _ value: Value) { define(Symbol(name).id, value) }

    /// The bindings of this scope only, sorted by name.
    public var entries: [(String, Value)] {
        var out: [(String, Value)] = []
        if dense {
            for (id, v) in table.enumerated() { if let v { out.append((SymbolTable.shared.name(id), v)) } }
        } else {
            for (id, v) in zip(ids, slots) { out.append((SymbolTable.shared.name(id), v)) }
        }
        return out.sorted { $0.0 < $1.0 }
    }

    /// All names visible from here (for completion and "did you mean"), unsorted.
    public var allNames: [String] {
        var ids = Set<Int>()
        var env: Environment? = self
        while let e = env {
            if e.dense {
                for (id, v) in e.table.enumerated() where v != nil { ids.insert(id) }
            } else {
                ids.formUnion(e.ids)
            }
            env = e.parent
        }
        let names = SymbolTable.shared.snapshot()
        return ids.map { names[$0] }
    }
}
