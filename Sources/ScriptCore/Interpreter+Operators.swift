import Foundation
import Support
import Tensor

// Operator semantics: arithmetic on numbers and tensors (broadcasting, autodiff through the
// engine's ops), string and list concatenation, equality and ordering, indexing and slicing,
// and field/method lookup.

/// An evaluated index item.
enum ResolvedIndex {
    case single(Value)
    case slice(Value?, Value?, Value?)
}

extension Interpreter {
    func binary(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value {
        switch op {
        case .equal: return .bool(try valuesEqual(a, b, op: op) ?? false)
        case .notEqual: return .bool(!(try valuesEqual(a, b, op: op) ?? false))
        case .rangeExclusive, .rangeInclusive:
            let s = try a.asInt("range start"), e = try b.asInt("range end")
            return .range(start: s, end: op == .rangeInclusive ? e + 1 : e, step: 1)
        case .and, .or:
            fatalError("short-circuit operators are evaluated by the interpreter")
        default: break
        }
        switch (a, b) {
        case let (.number(x), .number(y)):
            return try numberOp(op, x, y)
        case (.tensor, _), (_, .tensor):
            return try tensorOp(op, a, b)
        case let (.string(x), .string(y)):
            switch op {
            case .add:
                try AllocationBudget.require(x.utf8.count + y.utf8.count, .string)
                return .string(x + y)
            case .less: return .bool(x < y)
            case .lessEqual: return .bool(x <= y)
            case .greater: return .bool(x > y)
            case .greaterEqual: return .bool(x >= y)
            default: break
            }
        case let (.list(x), .list(y)) where op == .add:
            try AllocationBudget.require(x.items.count + y.items.count, .list)
            return .list(x.items + y.items)
        default: break
        }
        // Say which operand was wrong: for `+` with a string, the other one should be a string.
        if case .string = a, op == .add {
            throw ScriptError.type(expected: "string (use str(x) or \"\\(x)\" to convert)", found: b, context: "right operand of '+'")
        }
        if case .number = a {
            throw ScriptError.type(expected: "number or tensor", found: b, context: "right operand of '\(op.rawValue)'")
        }
        if case .number = b {
            throw ScriptError.type(expected: "number or tensor", found: a, context: "left operand of '\(op.rawValue)'")
        }
        throw ScriptError(.type, "operator '\(op.rawValue)' does not apply to \(a.typeName) and \(b.typeName)")
    }

    private func numberOp(_ op: BinaryOp, _ x: Double, _ y: Double) throws -> Value {
        switch op {
        case .add: return .number(x + y)
        case .subtract: return .number(x - y)
        case .multiply: return .number(x * y)
        case .divide:
            guard y != 0 else { throw ScriptError.runtime("division by zero") }
            return .number(x / y)
        case .remainder:
            guard y != 0 else { throw ScriptError.runtime("remainder by zero") }
            // The sign follows the divisor (Python, Lua), so `-1 % 3 == 2`.
            let r = x.truncatingRemainder(dividingBy: y)
            return .number(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        case .power: return .number(Foundation.pow(x, y))
        case .less: return .bool(x < y)
        case .lessEqual: return .bool(x <= y)
        case .greater: return .bool(x > y)
        case .greaterEqual: return .bool(x >= y)
        case .matmul: throw ScriptError(.type, "'@' needs tensors, found number and number")
        default: fatalError("unreachable: \(op)")
        }
    }

    /// Tensor arithmetic: tensor-tensor ops broadcast; a number operand uses the engine's
    /// tensor-scalar ops (so it is not a tensor on the tape). Comparisons give 0/1 tensors and
    /// are not differentiable.
    private func tensorOp(_ op: BinaryOp, _ a: Value, _ b: Value) throws -> Value {
        func operand(_ v: Value, _ side: String) throws -> Tensor? {
            switch v {
            case let .tensor(t): return t
            case .number: return nil
            default: throw ScriptError.type(expected: "number or tensor", found: v, context: "\(side) operand of '\(op.rawValue)'")
            }
        }
        let ta = try operand(a, "left"), tb = try operand(b, "right")
        try requireResult(of: op, ta, tb)
        let sa = a.floatValue, sb = b.floatValue
        switch op {
        case .add: return .tensor(try ta.map { x in try tb.map { try x + $0 } ?? x + sb } ?? sa + tb!)
        case .subtract: return .tensor(try ta.map { x in try tb.map { try x - $0 } ?? x - sb } ?? sa - tb!)
        case .multiply: return .tensor(try ta.map { x in try tb.map { try x * $0 } ?? x * sb } ?? sa * tb!)
        case .divide: return .tensor(try ta.map { x in try tb.map { try x / $0 } ?? x / sb } ?? sa / tb!)
        case .power:
            guard let ta, tb == nil else { throw ScriptError.runtime("'^' needs a tensor base and a number exponent") }
            return .tensor(ta.pow(sb))
        case .matmul:
            guard let ta, let tb else {
                throw ScriptError(.type, "'@' needs two tensors, found \(a.typeName) and \(b.typeName)")
            }
            return .tensor(try ta.matmul(tb))
        case .remainder:
            throw ScriptError(.type, "'%' does not apply to tensors")
        case .less, .lessEqual, .greater, .greaterEqual:
            return .tensor(try compare(op, ta, sa, tb, sb))
        default: fatalError("unreachable: \(op)")
        }
    }

    /// Checks the tensor `op` would make against the allocation cap and budget before the engine
    /// allocates it (a broadcast of [200000, 1] and [1, 200000], or their matmul, is 40 000 000
    /// 000 elements). Shapes the op rejects are left for its own error.
    private func requireResult(of op: BinaryOp, _ a: Tensor?, _ b: Tensor?) throws {
        guard let a, let b else {
            // With a number, the result has the tensor's shape.
            try AllocationBudget.require((a ?? b)?.count ?? 0, .tensor)
            return
        }
        if op == .matmul {
            try Interpreter.requireMatmul(a, b)
        } else if let shape = try? broadcastShapes(a.shape, b.shape, op: op.rawValue) {
            try AllocationBudget.requireTensor(shape)
        }
    }

    /// Checks the result of `a @ b` against the allocation cap and budget, counting also the
    /// copy the engine makes, over the whole batch, of an operand it cannot hand to BLAS as it
    /// is (`Tensor.isBLASMatrix`; a transpose needs none); shapes matmul rejects are left to it.
    /// When `b` is one matrix shared by the batch the engine copies it once, not per batch
    /// entry, so the count is then an upper bound.
    static func requireMatmul(_ a: Tensor, _ b: Tensor) throws {
        guard a.rank > 0, b.rank > 0 else { return }
        // 1-d operands are a row (left) or a column (right) vector, as the engine views them.
        let va = a.rank == 1 ? try a.unsqueeze(0) : a, vb = b.rank == 1 ? try b.unsqueeze(1) : b
        let sa = va.shape, sb = vb.shape
        let m = sa[sa.count - 2], k = sa[sa.count - 1], n = sb[sb.count - 1]
        guard k == sb[sb.count - 2], let batch = try? broadcastShapes(Array(sa.dropLast(2)), Array(sb.dropLast(2)), op: "matmul") else { return }
        let copyA = va.isBLASMatrix ? 0 : try AllocationBudget.elementCount(checked: batch + [m, k])
        let copyB = vb.isBLASMatrix ? 0 : try AllocationBudget.elementCount(checked: batch + [k, n])
        let (copies, o1) = copyA.addingReportingOverflow(copyB)
        let (bytes, o2) = copies.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        try AllocationBudget.requireTensor(batch + [m, n], extraBytes: o1 || o2 ? Int.max : bytes)
    }

    /// Elementwise comparison with broadcasting, via the sign of `a - b` (no tape).
    private func compare(_ op: BinaryOp, _ ta: Tensor?, _ sa: Float, _ tb: Tensor?, _ sb: Float) throws -> Tensor {
        let diff: Tensor = try GradMode.withoutGrad {
            try ta.map { x in try tb.map { try x - $0 } ?? x - sb } ?? sa - tb!
        }
        let test: (Float) -> Bool
        switch op {
        case .less: test = { $0 < 0 }
        case .lessEqual: test = { $0 <= 0 }
        case .greater: test = { $0 > 0 }
        case .greaterEqual: test = { $0 >= 0 }
        case .equal: test = { $0 == 0 }
        default: test = { $0 != 0 }
        }
        return try Tensor(diff.toArray().map { test($0) ? 1 : 0 }, shape: diff.shape)
    }

    /// Structural equality; tensors compare elementwise (a 0/1 tensor), so equality of
    /// tensors returns nil here and the caller produces the tensor through `compare`.
    func valuesEqual(_ a: Value, _ b: Value, op: BinaryOp, depth: Int = 0) throws -> Bool? {
        // Self-containing lists and maps would otherwise recurse forever.
        guard depth < 100 else { throw ScriptError.runtime("values nested too deeply to compare (a cycle?)") }
        switch (a, b) {
        case (.nil, .nil): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.list(x), .list(y)):
            if x === y { return true }
            guard x.items.count == y.items.count else { return false }
            for (p, q) in zip(x.items, y.items) where try valuesEqual(p, q, op: .equal, depth: depth + 1) != true { return false }
            return true
        case let (.map(x), .map(y)):
            if x === y { return true }
            guard x.count == y.count else { return false }
            for k in x.keys {
                guard let q = y[k], try valuesEqual(x[k]!, q, op: .equal, depth: depth + 1) == true else { return false }
            }
            return true
        case let (.range(a1, b1, c1), .range(a2, b2, c2)): return a1 == a2 && b1 == b2 && c1 == c2
        // A one-element tensor equals the number it holds (`loss == 0`).
        case let (.tensor(t), .number(n)) where t.count == 1: return Double(t.toArray()[0]) == n
        case let (.number(n), .tensor(t)) where t.count == 1: return Double(t.toArray()[0]) == n
        case let (.function(f), .function(g)): return f === g
        case let (.host(h), .host(k)): return h === k
        case let (.tensor(x), .tensor(y)):
            // `==` on tensors answers "same shape and same values" (a bool), which is what a
            // test or an `if` wants; use `eq(a, b)` for the elementwise 0/1 tensor.
            return x.shape == y.shape && x.toArray() == y.toArray()
        default: return false
        }
    }

    // MARK: Indexing

    func normalizedIndex(_ v: Value, count: Int, context: String) throws -> Int {
        let i = try v.asInt(context)
        let j = i < 0 ? i + count : i
        guard j >= 0, j < count else { throw ScriptError.runtime("\(context) \(i) out of range for length \(count)") }
        return j
    }

    /// Python-style slice bounds for a sequence of `count` elements.
    private func sliceBounds(_ s: Value?, _ e: Value?, _ st: Value?, count: Int) throws -> [Int] {
        let step = try st.map { try $0.asInt("slice step") } ?? 1
        guard step != 0 else { throw ScriptError.runtime("slice step cannot be zero") }
        func clamp(_ v: Value?, _ def: Int) throws -> Int {
            guard let v else { return def }
            let i = try v.asInt("slice bound")
            let j = i < 0 ? i + count : i
            return step > 0 ? min(max(j, 0), count) : min(max(j, -1), count - 1)
        }
        let lo = try clamp(s, step > 0 ? 0 : count - 1), hi = try clamp(e, step > 0 ? count : -1)
        return Array(stride(from: lo, to: hi, by: step))
    }

    func index(_ object: Value, _ items: [ResolvedIndex]) throws -> Value {
        if case let .tensor(t) = object { return .tensor(try indexTensor(t, items)) }
        guard items.count == 1 else { throw ScriptError.runtime("a \(object.typeName) takes one index, found \(items.count)") }
        switch (object, items[0]) {
        case let (.list(l), .single(i)):
            return l.items[try normalizedIndex(i, count: l.items.count, context: "list index")]
        case let (.list(l), .slice(s, e, st)):
            return .list(try sliceBounds(s, e, st, count: l.items.count).map { l.items[$0] })
        case let (.string(str), .single(i)):
            let chars = Array(str)
            return .string(String(chars[try normalizedIndex(i, count: chars.count, context: "string index")]))
        case let (.string(str), .slice(s, e, st)):
            let chars = Array(str)
            return .string(String(try sliceBounds(s, e, st, count: chars.count).map { chars[$0] }))
        case let (.map(m), .single(k)):
            let key = try k.asString("map key")
            guard let v = m[key] else { throw ScriptError.runtime("map has no key \(Value.quote(key))") }
            return v
        case let (.range(s, e, st), .single(i)):
            return .int(s + st * (try normalizedIndex(i, count: Value.rangeCount(s, e, st), context: "range index")))
        default:
            throw ScriptError.type(expected: "list, string, map or tensor", found: object, context: "indexing")
        }
    }

    /// `t[i, a:b, [1, 3]]`: an integer selects (drops the axis), a slice keeps it, a list of
    /// integers gathers rows. All are differentiable views or gathers.
    private func indexTensor(_ t: Tensor, _ items: [ResolvedIndex]) throws -> Tensor {
        guard items.count <= t.rank else {
            throw ScriptError.runtime("too many indices (\(items.count)) for a tensor of shape \(shapeString(t.shape))")
        }
        var result = t
        var axis = 0
        for item in items {
            let n = result.shape[axis]
            switch item {
            case let .single(v):
                if case .list = v {
                    let idx = try v.asList("tensor index").map { try normalizedIndex($0, count: n, context: "tensor index") }
                    // A gather repeats rows: `t[[0, 0, 0, ...]]` can be far larger than `t`.
                    try AllocationBudget.requireTensor([idx.count, n == 0 ? 0 : result.count / n])
                    result = try result.indexSelect(axis: axis, indices: idx)
                    axis += 1
                } else {
                    result = try result.select(axis: axis, index: normalizedIndex(v, count: n, context: "tensor index"))
                }
            case let .slice(s, e, st):
                let step = try st.map { try $0.asInt("slice step") } ?? 1
                if step > 0 {
                    let start = try s.map { try $0.asInt("slice start") } ?? 0
                    let end = try e.map { try $0.asInt("slice end") }
                    result = try result.slice(axis: axis, start: start, end: end, step: step)
                } else {
                    // Negative steps gather explicitly (the engine's slices step forward).
                    result = try result.indexSelect(axis: axis, indices: sliceBounds(s, e, st, count: n))
                }
                axis += 1
            }
        }
        return result
    }

    // MARK: Fields and methods

    public func field(of object: Value, _ name: String) throws -> Value {
        switch object {
        case let .host(h):
            if let v = try h.field(name) { return v }
            if let m = h.method(name) { return .function(m) }
            throw ScriptError.runtime("\(h.typeName) has no field or method '\(name)'" + hint(name, h.fieldDocs.map(\.name) + h.methods.map { methodShortName($0.doc.name) }))
        case let .map(m):
            if let v = m[name] { return v }
        default: break
        }
        let type = object.typeName
        if let f = ValueMembers.fields[type]?.first(where: { $0.name == name }) { return try f.get(object) }
        if let m = ValueMembers.methods[type]?.first(where: { methodShortName($0.doc.name) == name }) {
            return .function(Builtin(m.doc) { args, interp in try m.body(object, args, interp) })
        }
        let known = (ValueMembers.fields[type]?.map(\.name) ?? []) + (ValueMembers.methods[type]?.map { methodShortName($0.doc.name) } ?? [])
        if case .map = object { throw ScriptError.runtime("map has no key or method '\(name)'" + hint(name, known)) }
        throw ScriptError.runtime("\(type) has no field or method '\(name)'" + hint(name, known))
    }

    private func hint(_ name: String, _ known: [String]) -> String {
        NameSuggestion.hint(for: name, in: known)
    }
}

/// `tensor.sum` -> `sum`.
func methodShortName(_ docName: String) -> String {
    docName.split(separator: ".").last.map(String.init) ?? docName
}

extension Value {
    /// The number as a Float for tensor-scalar ops (0 for non-numbers, which callers exclude).
    var floatValue: Float {
        if case let .number(n) = self { return Float(n) }
        return 0
    }
}
