import Foundation
import Tensor

// Tensor bindings: constructors, the differentiable functions a learner needs, gradients and
// optimizers, and the tensor's own fields and methods. Every function maps onto an engine op
// that records on the tape, so gradients flow through whatever a script computes; the only
// exceptions (comparisons, argmax, item, tolist) say so in their docs.

extension Value {
    /// The tensor, or a number promoted to a scalar tensor.
    public func asTensor(_ context: String) throws -> Tensor {
        switch self {
        case let .tensor(t): return t
        case let .number(n): return Tensor(scalar: Float(n))
        case .list: return try tensorFromNested(self, context: context)
        default: throw ScriptError.type(expected: "tensor", found: self, context: context)
        }
    }
}

/// Builds a tensor from nested lists of numbers (`[[1, 2], [3, 4]]`), checking the nesting is
/// rectangular.
func tensorFromNested(_ v: Value, context: String) throws -> Tensor {
    var shape: [Int] = []
    var probe = v
    while case let .list(l) = probe {
        guard shape.count < 16 else { throw ScriptError.runtime("\(context): lists nested more than 16 deep") }
        shape.append(l.items.count)
        guard let first = l.items.first else { break }
        probe = first
    }
    // Lists may hold the same list many times over: [x, x, x] of [y, y, y] ... multiplies out
    // to more elements than the script ever built.
    try AllocationBudget.requireTensor(shape)
    var data: [Float] = []
    data.reserveCapacity(shape.reduce(1, *))
    func walk(_ v: Value, _ depth: Int) throws {
        if depth == shape.count {
            switch v {
            case let .number(n): data.append(Float(n))
            case let .bool(b): data.append(b ? 1 : 0)
            case let .tensor(t) where t.count == 1: data.append(t.toArray()[0])
            default: throw ScriptError.type(expected: "number", found: v, context: "\(context) element")
            }
            return
        }
        guard case let .list(l) = v, l.items.count == shape[depth] else {
            throw ScriptError.runtime("\(context): ragged nested list (expected \(shape[depth]) elements at depth \(depth + 1), found \(v.typeName == "list" ? "a different count" : v.typeName))")
        }
        for item in l.items { try walk(item, depth + 1) }
    }
    try walk(v, 0)
    if case .number = v { return Tensor(scalar: data[0]) }
    return try Tensor(data, shape: shape)
}

/// A shape from `f(2, 3)` or `f([2, 3])`, checked against the allocation cap and budget.
func shapeArgument(_ values: [Value], _ name: String) throws -> [Int] {
    let dims: [Value]
    if values.count == 1, case let .list(l) = values[0] { dims = l.items } else { dims = values }
    let shape = try dims.map { try $0.asInt("\(name) shape") }
    guard shape.allSatisfy({ $0 >= 0 }) else { throw ScriptError.runtime("\(name): negative dimension in \(shapeString(shape))") }
    do {
        try AllocationBudget.requireTensor(shape)
    } catch var e as ScriptError {
        e.message = "\(name)(\(shape.map(String.init).joined(separator: ", "))): \(e.message)"
        throw e
    }
    return shape
}

/// Integer class targets from a list or a tensor of integral values.
public func targetsArgument(_ v: Value, _ context: String) throws -> [Int] {
    if case let .tensor(t) = v { return try t.toArray().map { try Value.number(Double($0)).asInt(context) } }
    return try v.asList(context).map { try $0.asInt(context) }
}

/// An optimizer over script parameters (`sgd(...)`, `adamw(...)`).
final class OptimizerObject: HostObject {
    let optimizer: Optimizer
    let kind: String
    init(_ optimizer: Optimizer, kind: String) {
        self.optimizer = optimizer
        self.kind = kind
    }
    var typeName: String { "optimizer" }
    var typeSummary: String { "updates parameters from their .grad; call zero_grad() before each backward" }
    var description: String { "<optimizer \(kind), \(optimizer.parameters.count) parameters, lr \(learningRate)>" }
    var learningRate: Float {
        get { (optimizer as? SGD)?.learningRate ?? (optimizer as? AdamW)?.learningRate ?? 0 }
        set {
            if let s = optimizer as? SGD { s.learningRate = newValue }
            if let a = optimizer as? AdamW { a.learningRate = newValue }
        }
    }
    var fieldDocs: [(name: String, doc: String)] { [("lr", "learning rate (assignable)"), ("params", "the parameters it updates")] }
    func field(_ name: String) throws -> Value? {
        switch name {
        case "lr": return .float(learningRate)
        case "params": return .list(optimizer.parameters.map { .tensor($0) })
        default: return nil
        }
    }
    func setField(_ name: String, _ value: Value) throws {
        guard name == "lr" else { throw ScriptError.runtime("cannot assign field '\(name)' of optimizer") }
        learningRate = Float(try value.asNumber("optimizer.lr"))
    }
    var methods: [Builtin] {
        [
            Builtin(Doc("optimizer.step", "Updates every parameter from its .grad.")) { [optimizer] _, _ in
                optimizer.step()
                return .nil
            },
            Builtin(Doc("optimizer.zero_grad", "Clears every parameter's .grad.")) { [optimizer] _, _ in
                optimizer.zeroGrad()
                return .nil
            },
        ]
    }
}

extension Interpreter {
    /// Defines `name(x, ...)` applying a unary tensor function.
    private func unaryTensorBuiltin(_ name: String, _ summary: String, extra: [Param] = [],
                                    _ f: @escaping (Tensor, Arguments) throws -> Tensor) {
        builtin(name, summary, [Param("x", "tensor")] + extra, returns: "tensor") { args, _ in
            .tensor(try f(try args.value(0).asTensor("\(name) argument 'x'"), args))
        }
    }

    func installTensorBuiltins() {
        builtin("tensor", "A tensor from a number or nested lists of numbers.",
                [Param("data", "number or nested list"), Param("requires_grad", "make it a trainable leaf", default: "false")],
                returns: "tensor") { args, _ in
            let t = try tensorFromNested(try args.value(0), context: "tensor argument 'data'")
            return .tensor(try args.bool(1, default: false) ? t.requiringGrad() : t)
        }
        builtin("zeros", "A tensor of zeros: zeros(2, 3) or zeros([2, 3]).", [], variadic: true, returns: "tensor") { args, _ in
            .tensor(Tensor.zeros(try shapeArgument(args.rest, "zeros")))
        }
        builtin("ones", "A tensor of ones: ones(2, 3) or ones([2, 3]).", [], variadic: true, returns: "tensor") { args, _ in
            .tensor(Tensor.ones(try shapeArgument(args.rest, "ones")))
        }
        builtin("full", "A tensor of `shape` filled with `value`.", [Param("shape", "list of dimensions"), Param("value", "number")],
                returns: "tensor") { args, _ in
            .tensor(Tensor.full(try shapeArgument([try args.value(0)], "full"), Float(try args.number(1))))
        }
        builtin("arange", "0, 1, ..., n-1 as a 1-d tensor.", [Param("n", "length")], returns: "tensor") { args, _ in
            .tensor(Tensor.arange(try shapeArgument([try args.value(0)], "arange")[0]))
        }
        builtin("randn", "Standard normal samples: randn(2, 3, seed: 0). Without a seed, draws from the session generator (seeded 0).",
                [Param("seed", "integer seed", default: "nil"), Param("mean", "mean", default: "0"), Param("std", "standard deviation", default: "1")],
                variadic: true, returns: "tensor") { args, interp in
            let shape = try shapeArgument(args.rest, "randn")
            let mean = Float(try args.number(1, default: 0)), std = Float(try args.number(2, default: 1))
            if let seed = args[0] {
                var g = SeededGenerator(seed: UInt64(bitPattern: Int64(try seed.asInt("randn argument 'seed'"))))
                return .tensor(Tensor.normal(shape, mean: mean, std: std, generator: &g))
            }
            return .tensor(Tensor.normal(shape, mean: mean, std: std, generator: &interp.generator))
        }
        builtin("rand", "Uniform samples in [low, high): rand(2, 3, seed: 0).",
                [Param("seed", "integer seed", default: "nil"), Param("low", "lower bound", default: "0"), Param("high", "upper bound", default: "1")],
                variadic: true, returns: "tensor") { args, interp in
            let shape = try shapeArgument(args.rest, "rand")
            let low = Float(try args.number(1, default: 0)), high = Float(try args.number(2, default: 1))
            if let seed = args[0] {
                var g = SeededGenerator(seed: UInt64(bitPattern: Int64(try seed.asInt("rand argument 'seed'"))))
                return .tensor(Tensor.uniform(shape, low: low, high: high, generator: &g))
            }
            return .tensor(Tensor.uniform(shape, low: low, high: high, generator: &interp.generator))
        }
        builtin("permutation", "The integers 0..<n in a random order: permutation(5, seed: 0). Without a seed, draws from the session generator.",
                [Param("n", "how many"), Param("seed", "integer seed", default: "nil")], returns: "list") { args, interp in
            let n = try args.int(0)
            guard n >= 0 else { throw ScriptError.runtime("permutation: n must be >= 0, found \(n)") }
            // The generator's array of integers, then the list (n < 1e15, as `int` sees to).
            try AllocationBudget.require(n, .list, extraBytes: n * MemoryLayout<Int>.stride)
            if let seed = args[1] {
                var g = SeededGenerator(seed: UInt64(bitPattern: Int64(try seed.asInt("permutation argument 'seed'"))))
                return .list(g.permutation(n).map { .int($0) })
            }
            return .list(interp.generator.permutation(n).map { .int($0) })
        }
        builtin("seed", "Reseeds the session generator used by randn/rand without a seed.", [Param("n", "integer seed")]) { args, interp in
            interp.generator = SeededGenerator(seed: UInt64(bitPattern: Int64(try args.int(0))))
            return .nil
        }
        builtin("param", "A trainable copy of t (a leaf that requires grad): gradients of anything computed from it land in .grad.",
                [Param("t", "tensor or number")], returns: "tensor") { args, _ in
            let t = try args.value(0).asTensor("param argument 't'")
            // A copy, so marking it trainable never changes a tensor the script still uses.
            return .tensor(try Tensor(t.toArray(), shape: t.shape).requiringGrad())
        }
        builtin("detach", "The values of t cut from the tape (no gradient flows through).", [Param("t", "tensor")], returns: "tensor") { args, _ in
            .tensor(try args.value(0).asTensor("detach argument 't'").detached())
        }
        unaryTensorBuiltin("normalize", "x / ||x||_2 along axis (L2 normalisation, eps 1e-12).",
                           extra: [Param("axis", "axis", default: "-1")]) { t, a in try t.l2Normalized(axis: a.int(1, default: -1)) }
        unaryTensorBuiltin("sigmoid", "1 / (1 + exp(-x)), elementwise.") { t, _ in t.sigmoid() }
        unaryTensorBuiltin("relu", "max(x, 0), elementwise.") { t, _ in t.relu() }
        unaryTensorBuiltin("gelu", "GELU (erf form), elementwise.") { t, _ in t.gelu() }
        unaryTensorBuiltin("tanh", "Hyperbolic tangent, elementwise.") { t, _ in t.tanh() }
        unaryTensorBuiltin("exp", "e^x, elementwise.") { t, _ in t.exp() }
        unaryTensorBuiltin("log", "Natural logarithm, elementwise.") { t, _ in t.log() }
        unaryTensorBuiltin("softmax", "exp(x) / sum(exp(x)) along axis (stable).",
                           extra: [Param("axis", "axis", default: "-1")]) { t, a in try t.softmax(axis: a.int(1, default: -1)) }
        unaryTensorBuiltin("log_softmax", "x - logsumexp(x) along axis (stable).",
                           extra: [Param("axis", "axis", default: "-1")]) { t, a in try t.logSoftmax(axis: a.int(1, default: -1)) }
        unaryTensorBuiltin("sum", "Sum over axis (all elements when omitted).",
                           extra: [Param("axis", "axis", default: "nil"), Param("keep_dims", "keep the reduced axis as size 1", default: "false")]) { t, a in
            try t.sum(axes: a[1].map { [try $0.asInt("sum argument 'axis'")] }, keepDims: a.bool(2, default: false))
        }
        unaryTensorBuiltin("mean", "Mean over axis (all elements when omitted).",
                           extra: [Param("axis", "axis", default: "nil"), Param("keep_dims", "keep the reduced axis as size 1", default: "false")]) { t, a in
            try t.mean(axes: a[1].map { [try $0.asInt("mean argument 'axis'")] }, keepDims: a.bool(2, default: false))
        }
        builtin("matmul", "Matrix product a @ b (batched, NumPy rules).", [Param("a", "tensor"), Param("b", "tensor")], returns: "tensor") { args, interp in
            try interp.binary(.matmul, .tensor(args.value(0).asTensor("matmul argument 'a'")), .tensor(args.value(1).asTensor("matmul argument 'b'")))
        }
        builtin("cosine", "Cosine similarity of every row of a with every row of b: [N, D], [M, D] -> [N, M].",
                [Param("a", "tensor"), Param("b", "tensor")], returns: "tensor") { args, _ in
            let a = try args.value(0).asTensor("cosine argument 'a'"), b = try args.value(1).asTensor("cosine argument 'b'")
            try AllocationBudget.requireTensor([a.shape.first ?? 1, b.shape.first ?? 1])
            return .tensor(try a.cosineSimilarity(b))
        }
        builtin("cross_entropy", "Mean cross-entropy of [N, C] logits against N integer class targets (log-softmax + NLL).",
                [Param("logits", "[N, C] tensor"), Param("targets", "list or tensor of N class indices")], returns: "scalar tensor") { args, _ in
            let logits = try args.value(0).asTensor("cross_entropy argument 'logits'")
            return .tensor(try logits.crossEntropy(targets: targetsArgument(args.value(1), "cross_entropy argument 'targets'")))
        }
        builtin("concat", "Joins tensors along an existing axis.", [Param("tensors", "list of tensors"), Param("axis", "axis", default: "0")],
                returns: "tensor") { args, _ in
            let ts = try args.value(0).asList("concat argument 'tensors'").map { try $0.asTensor("concat element") }
            try Interpreter.requireTotal(of: ts)
            return .tensor(try Tensor.concat(ts, axis: args.int(1, default: 0)))
        }
        builtin("stack", "Stacks equally shaped tensors along a new axis.", [Param("tensors", "list of tensors"), Param("axis", "axis", default: "0")],
                returns: "tensor") { args, _ in
            let ts = try args.value(0).asList("stack argument 'tensors'").map { try $0.asTensor("stack element") }
            try Interpreter.requireTotal(of: ts)
            return .tensor(try Tensor.stack(ts, axis: args.int(1, default: 0)))
        }
        builtin("argmax", "Index of the maximum along axis (not differentiable).", [Param("x", "tensor"), Param("axis", "axis", default: "-1")],
                returns: "tensor") { args, _ in
            .tensor(try args.value(0).asTensor("argmax argument 'x'").argmax(axis: args.int(1, default: -1)))
        }
        builtin("eq", "Elementwise a == b as a 0/1 tensor, with broadcasting (not differentiable).",
                [Param("a", "tensor or number"), Param("b", "tensor or number")], returns: "tensor") { args, _ in
            let a = try args.value(0).asTensor("eq argument 'a'"), b = try args.value(1).asTensor("eq argument 'b'")
            if let shape = try? broadcastShapes(a.shape, b.shape, op: "eq") { try AllocationBudget.requireTensor(shape) }
            let d = try GradMode.withoutGrad { try a - b }
            return .tensor(try Tensor(d.toArray().map { $0 == 0 ? 1 : 0 }, shape: d.shape))
        }
        builtin("where", "cond * a + (1 - cond) * b elementwise, with broadcasting: picks a where cond is 1 and b where it is 0 (cond is a 0/1 tensor such as x > 0). Differentiable in a and b.",
                [Param("cond", "0/1 tensor"), Param("a", "tensor or number"), Param("b", "tensor or number")], returns: "tensor") { args, interp in
            let cond = try args.value(0).asTensor("where argument 'cond'").detached()
            let a = try interp.binary(.multiply, .tensor(cond), args.value(1))
            let b = try interp.binary(.multiply, .tensor(1 - cond), args.value(2))
            return try interp.binary(.add, a, b)
        }
        builtin("backward", "Backpropagates from a scalar loss: every trainable tensor it depends on accumulates into .grad.",
                [Param("loss", "scalar tensor")]) { args, _ in
            try args.value(0).asTensor("backward argument 'loss'").backward()
            return .nil
        }
        builtin("grad", "Gradients of a scalar loss with respect to params (a list of tensors, one per param). The params' .grad is left as it was; other trainable tensors the loss reaches still accumulate.",
                [Param("loss", "scalar tensor"), Param("params", "list of trainable tensors")], returns: "list") { args, _ in
            let loss = try args.value(0).asTensor("grad argument 'loss'")
            let params = try args.value(1).asList("grad argument 'params'").map { try $0.asTensor("grad argument 'params' element") }
            let saved = params.map(\.grad)
            params.forEach { $0.zeroGrad() }
            defer { for (p, g) in zip(params, saved) { p.grad = g } }
            try loss.backward()
            return .list(params.map { .tensor($0.grad ?? Tensor.zeros($0.shape)) })
        }
        builtin("no_grad", "Calls f with the tape off (nothing computed inside records gradients).",
                [Param("f", "function of no arguments")]) { args, interp in
            let f = try args.value(0)
            return try GradMode.withoutGrad { try interp.call(f, []) }
        }
        builtin("sgd", "Stochastic gradient descent over params (PyTorch semantics).",
                [Param("params", "list of trainable tensors"), Param("lr", "learning rate"), Param("momentum", "momentum", default: "0"),
                 Param("weight_decay", "L2 penalty", default: "0")], returns: "optimizer") { args, _ in
            let params = try args.value(0).asList("sgd argument 'params'").map { try $0.asTensor("sgd argument 'params' element") }
            try Interpreter.requireTrainable(params, "sgd")
            return .host(OptimizerObject(SGD(parameters: params, learningRate: Float(try args.number(1)),
                                             momentum: Float(try args.number(2, default: 0)), weightDecay: Float(try args.number(3, default: 0))), kind: "sgd"))
        }
        builtin("adamw", "AdamW over params (PyTorch defaults).",
                [Param("params", "list of trainable tensors"), Param("lr", "learning rate", default: "0.001"),
                 Param("weight_decay", "decoupled weight decay", default: "0.01")], returns: "optimizer") { args, _ in
            let params = try args.value(0).asList("adamw argument 'params'").map { try $0.asTensor("adamw argument 'params' element") }
            try Interpreter.requireTrainable(params, "adamw")
            return .host(OptimizerObject(AdamW(parameters: params, learningRate: Float(try args.number(1, default: 0.001)),
                                               weightDecay: Float(try args.number(2, default: 0.01))), kind: "adamw"))
        }
        addTopic("tensor", ValueMembers.tensorHelp)
    }

    /// Checks a tensor as large as all of `tensors` together (concat, stack): one tensor
    /// listed many times makes a result far larger than any input.
    static func requireTotal(of tensors: [Tensor]) throws {
        var total = 0
        for t in tensors {
            let (sum, overflow) = total.addingReportingOverflow(t.count)
            total = overflow ? Int.max : sum
        }
        try AllocationBudget.require(total, .tensor)
    }

    /// Checks the result of reducing `t` over `axis`. It is never larger than `t` unless `t`
    /// is empty: `zeros(100000, 100000, 0).sum(axis: 2)` asks for 10^10 zeros. A bad axis is
    /// left to the reduction's own error.
    static func requireReduction(of t: Tensor, axis: Int) throws {
        guard t.count == 0, let a = try? normalizeAxis(axis, rank: t.rank, op: "reduce") else { return }
        var shape = t.shape
        shape[a] = 1
        try AllocationBudget.requireTensor(shape)
    }

    static func requireTrainable(_ params: [Tensor], _ name: String) throws {
        if let i = params.firstIndex(where: { !$0.requiresGrad }) {
            throw ScriptError.runtime("\(name): parameter \(i) is not trainable; create it with param(...)")
        }
        // The engine's optimizers update storage in place and need contiguous leaves.
        if let i = params.firstIndex(where: { !$0.isContiguous }) {
            throw ScriptError.runtime("\(name): parameter \(i) is a strided view; pass the tensor made by param(...) itself")
        }
    }
}

extension ValueMembers {
    static func tensor(_ v: Value) -> Tensor {
        guard case let .tensor(t) = v else { fatalError("tensor method on \(v.typeName)") }
        return t
    }

    static let tensorFields: [FieldSpec] = [
        FieldSpec(name: "shape", doc: "dimensions, as a list") { .list(tensor($0).shape.map { .int($0) }) },
        FieldSpec(name: "rank", doc: "number of dimensions") { .int(tensor($0).rank) },
        FieldSpec(name: "count", doc: "number of elements") { .int(tensor($0).count) },
        FieldSpec(name: "T", doc: "transpose of the last two dimensions") { .tensor(try tensor($0).T) },
        FieldSpec(name: "grad", doc: "accumulated gradient after backward (nil before)") { tensor($0).grad.map { .tensor($0) } ?? .nil },
        FieldSpec(name: "requires_grad", doc: "whether gradients flow to this tensor") { .bool(tensor($0).requiresGrad) },
    ]

    /// A tensor method applying `f`, declared with its parameters.
    static func tm(_ name: String, _ summary: String, _ params: [Param] = [], returns: String = "tensor",
                   _ f: @escaping @Sendable (Tensor, Arguments) throws -> Value) -> MemberSpec {
        MemberSpec("tensor." + name, summary, params, returns: returns) { v, args, _ in try f(tensor(v), args) }
    }

    static let axisParams = [Param("axis", "axis (all when omitted)", default: "nil"), Param("keep_dims", "keep the reduced axis as size 1", default: "false")]

    static let tensorMethods: [MemberSpec] = [
        tm("sum", "Sum over axis (all elements when omitted).", axisParams) { t, a in
            let axis = try a[0].map { try $0.asInt("sum argument 'axis'") }
            if let axis { try Interpreter.requireReduction(of: t, axis: axis) }
            return .tensor(try t.sum(axes: axis.map { [$0] }, keepDims: a.bool(1, default: false)))
        },
        tm("mean", "Mean over axis (all elements when omitted).", axisParams) { t, a in
            let axis = try a[0].map { try $0.asInt("mean argument 'axis'") }
            if let axis { try Interpreter.requireReduction(of: t, axis: axis) }
            return .tensor(try t.mean(axes: axis.map { [$0] }, keepDims: a.bool(1, default: false)))
        },
        tm("max", "Maximum over axis (all elements when omitted); the gradient goes to the first maximum.", axisParams) { t, a in
            guard let axis = a[0] else { return .tensor(try t.max()) }
            return .tensor(try t.max(axis: axis.asInt("max argument 'axis'"), keepDims: a.bool(1, default: false)))
        },
        tm("min", "Minimum over axis (all elements when omitted).", axisParams) { t, a in
            guard let axis = a[0] else { return .tensor(-(try (-t).max())) }
            return .tensor(-(try (-t).max(axis: axis.asInt("min argument 'axis'"), keepDims: a.bool(1, default: false))))
        },
        tm("argmax", "Index of the maximum along axis (not differentiable).", [Param("axis", "axis", default: "-1")]) { t, a in
            .tensor(try t.argmax(axis: a.int(0, default: -1)))
        },
        tm("softmax", "Softmax along axis.", [Param("axis", "axis", default: "-1")]) { t, a in .tensor(try t.softmax(axis: a.int(0, default: -1))) },
        tm("log_softmax", "Log-softmax along axis.", [Param("axis", "axis", default: "-1")]) { t, a in .tensor(try t.logSoftmax(axis: a.int(0, default: -1))) },
        tm("normalize", "L2-normalised along axis.", [Param("axis", "axis", default: "-1")]) { t, a in .tensor(try t.l2Normalized(axis: a.int(0, default: -1))) },
        tm("exp", "e^x elementwise.") { t, _ in .tensor(t.exp()) },
        tm("log", "Natural log elementwise.") { t, _ in .tensor(t.log()) },
        tm("sqrt", "Square root elementwise.") { t, _ in .tensor(t.sqrt()) },
        tm("abs", "Absolute value elementwise.") { t, _ in .tensor(t.abs()) },
        tm("tanh", "tanh elementwise.") { t, _ in .tensor(t.tanh()) },
        tm("sigmoid", "Logistic sigmoid elementwise.") { t, _ in .tensor(t.sigmoid()) },
        tm("relu", "max(x, 0) elementwise.") { t, _ in .tensor(t.relu()) },
        tm("gelu", "GELU elementwise.") { t, _ in .tensor(t.gelu()) },
        tm("pow", "x^p elementwise.", [Param("p", "exponent")]) { t, a in .tensor(t.pow(Float(try a.number(0)))) },
        tm("matmul", "Matrix product with other.", [Param("other", "tensor")]) { t, a in
            let other = try a.value(0).asTensor("matmul argument 'other'")
            try Interpreter.requireMatmul(t, other)
            return .tensor(try t.matmul(other))
        },
        MemberSpec("tensor.reshape", "The same elements in a new shape (one dimension may be -1).", [], variadic: true, returns: "tensor") { v, a, _ in
            let dims: [Value] = a.rest.count == 1 ? (try? a.rest[0].asList("")) ?? a.rest : a.rest
            let shape = try dims.map { try $0.asInt("reshape dimension") }
            return .tensor(try tensor(v).reshape(shape))
        },
        tm("transpose", "Swaps two axes.", [Param("a", "axis", default: "-2"), Param("b", "axis", default: "-1")]) { t, a in
            .tensor(try t.transpose(a.int(0, default: -2), a.int(1, default: -1)))
        },
        tm("flatten", "All dimensions merged into one.") { t, _ in .tensor(try t.reshape([-1])) },
        tm("squeeze", "Drops size-1 axes (or just axis).", [Param("axis", "axis", default: "nil")]) { t, a in
            .tensor(try t.squeeze(a[0].map { try $0.asInt("squeeze argument 'axis'") }))
        },
        tm("unsqueeze", "Inserts a size-1 axis at axis.", [Param("axis", "axis")]) { t, a in .tensor(try t.unsqueeze(a.int(0))) },
        tm("item", "The single value as a number (not differentiable).", returns: "number") { t, _ in .float(try t.item()) },
        tm("tolist", "The elements as nested lists of numbers.", returns: "list") { t, _ in
            // Every level's rows are list elements too: [100000000, 0] holds no numbers but
            // would make a hundred million empty lists.
            var elements = 0, rows = 1
            for d in t.shape {
                rows = try AllocationBudget.elementCount(checked: [rows, d])
                let (sum, overflow) = elements.addingReportingOverflow(rows)
                elements = overflow ? Int.max : sum
            }
            try AllocationBudget.require(elements, .list)
            let values = t.toArray()
            var i = 0
            func nest(_ d: Int) -> Value {
                if d == t.rank { defer { i += 1 }; return .float(values[i]) }
                return .list((0..<t.shape[d]).map { _ in nest(d + 1) })
            }
            return nest(0)
        },
        tm("detach", "The values cut from the tape.") { t, _ in .tensor(t.detached()) },
        tm("backward", "Backpropagates from this scalar.", returns: "nil") { t, _ in try t.backward(); return .nil },
        tm("zero_grad", "Clears .grad.", returns: "nil") { t, _ in t.zeroGrad(); return .nil },
    ]

    static let tensorHelp: String = {
        "tensor: float32 n-dimensional array with autodiff.\n"
            + "operators: + - * / (broadcasting), @ (matmul), ^ (power by a number), unary -, < <= > >= (0/1 tensors), == (same shape and values)\n"
            + "indexing: t[0], t[0, 1:3], t[:, -1], t[::2], t[[0, 2]] (gather)\nfields:\n"
            + tensorFields.map { "  .\($0.name): \($0.doc)" }.joined(separator: "\n") + "\nmethods:\n"
            + tensorMethods.map { "  .\(memberSignature($0.doc))\n      \($0.doc.summary)" }.joined(separator: "\n")
    }()
}
