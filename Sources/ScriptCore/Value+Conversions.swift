import Foundation

// Conversions from script values to Swift types for built-ins, with type errors that say what
// was expected and what was found.

extension Value {
    /// The number (a one-element tensor counts); `context` names the argument in the error.
    public func asNumber(_ context: String) throws -> Double {
        switch self {
        case let .number(n): return n
        case let .tensor(t) where t.count == 1:
            if case let .number(n) = Value.float(t.toArray()[0]) { return n }
            return Double(t.toArray()[0])
        default: throw ScriptError.type(expected: "number", found: self, context: context)
        }
    }
    /// An integral number (errors on 2.5, not truncating).
    public func asInt(_ context: String) throws -> Int {
        let n = try asNumber(context)
        guard n == n.rounded(), abs(n) < 1e15 else {
            throw ScriptError.runtime("\(context): expected an integer, found \(Value.format(n))")
        }
        return Int(n)
    }
    /// The string, or a type error.
    public func asString(_ context: String) throws -> String {
        guard case let .string(s) = self else { throw ScriptError.type(expected: "string", found: self, context: context) }
        return s
    }
    /// The elements of a list or range (a range is checked against the allocation cap and
    /// budget before it becomes a list).
    public func asList(_ context: String) throws -> [Value] {
        switch self {
        case let .list(l): return l.items
        case let .range(s, e, st):
            try AllocationBudget.require(Value.rangeCount(s, e, st), .list)
            return Value.rangeElements(s, e, st).map { .int($0) }
        default: throw ScriptError.type(expected: "list", found: self, context: context)
        }
    }
    static func rangeElements(_ s: Int, _ e: Int, _ st: Int) -> StrideTo<Int> { stride(from: s, to: e, by: st) }
    /// The number of elements of a range, without materialising it (bounds are below 1e15 in
    /// magnitude, `asInt` sees to that, so the arithmetic cannot overflow).
    static func rangeCount(_ s: Int, _ e: Int, _ st: Int) -> Int {
        st > 0 ? max(0, (e - s + st - 1) / st) : max(0, (s - e - st - 1) / -st)
    }
}
