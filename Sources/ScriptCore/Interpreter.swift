import Foundation
import Support
import Tensor

/// A tree-walking interpreter (Lua's lvm, clox's vm in spirit): evaluates a `Program` against
/// a global environment that holds the built-ins and everything the session defines.
///
/// Errors are `ScriptError`s carrying the location of the innermost expression that failed
/// and the script call stack. Tensor errors become runtime errors with the engine's message.
/// The interpreter checks `Interrupt.requested` at loop iterations and calls.
public final class Interpreter {
    /// The built-ins' scope: read-only to scripts, so `sum = 0` shadows `sum` in `globals`
    /// instead of replacing it, and `:reset` brings every built-in back.
    public let builtins = Environment(parent: nil, frozen: true, dense: true)
    /// The session's variables (top-level scope; its parent is `builtins`).
    public private(set) var globals: Environment
    /// Where `print` writes. Tests and the report writer capture it.
    public var output: (String) -> Void = { print($0) }
    /// Where `show(x)` sends a value: by default its text (`repr`) to `output`; the report
    /// writer captures tables and plots here to render them as HTML tables and SVG.
    public var display: ((Value) -> Void)?
    /// Where host bindings send progress (a training run's epochs, an embedding pass) when set:
    /// each call carries the whole current line, `final` on the last one, and a notebook kernel
    /// shows it as one line updated in place. Nil (the REPL, `palm run`): progress bars draw on
    /// stderr.
    public var progress: ((_ line: String, _ final: Bool) -> Void)?
    /// Directory of the script being run: relative paths of `load`, `exists` and `read_file`
    /// (and of host bindings that take files) start there.
    public var scriptDirectory: String?
    /// State that host bindings keep per interpreter (the last model made, feature stores),
    /// by type: see `state(_:make:)`.
    private var extensionState: [ObjectIdentifier: AnyObject] = [:]
    /// Documentation of every built-in, keyed by name (`zeros`, `tensor.sum`), and topics.
    public private(set) var docs: [String: Doc] = [:]
    /// Extra help topics (`help("syntax")`).
    public private(set) var topics: [String: String] = [:]
    /// When set, a run that executes more loop iterations plus calls than this fails with an
    /// error (`palm run --max-steps`; the fuzz tests, so a mutated script cannot loop forever).
    public var stepLimit: Int?
    private var steps = 0
    /// When set, a top-level run (a script, a REPL entry, a report cell) that takes longer than
    /// this many seconds of wall-clock time stops with an error (`palm run --max-seconds`):
    /// at its next loop iteration or call, or where a built-in stops for Ctrl-C (`fit` at a
    /// batch boundary). See `RunDeadline`.
    public var timeLimit: Double?
    /// `runHere` calls in progress: a script that `load`s another runs inside its budget.
    private var runDepth = 0
    /// The session generator used by `randn`/`rand` without a seed (reseed with `seed(n)`).
    public var generator = SeededGenerator(seed: 0)
    /// Script function calls in progress.
    private var callDepth = 0
    /// Levels of the native stack in use: one per expression being evaluated and per block,
    /// `ScriptLimits.callWeight` per call; bounded by `ScriptLimits.maxNesting`.
    private var depth = 0
    /// Names defined as built-ins (functions and constants).
    public private(set) var builtinNames: Set<String> = []
    /// Run by every new interpreter after the core built-ins: later layers (reports, models,
    /// datasets, learners) append a function that `define`s their bindings, so every
    /// interpreter (a script run, the REPL) has them without the language knowing those layers.
    /// `Bindings.register()` adds palm's; the `palm` executable calls it at start-up.
    ///
    /// `nonisolated(unsafe)`: appended to at program start-up (before any interpreter runs a
    /// script) and only read afterwards.
    nonisolated(unsafe) public static var registrations: [(Interpreter) -> Void] = []

    public init() {
        globals = Environment(parent: builtins, dense: true)
        installBuiltins()
    }

    /// Defines a built-in function (also recording its documentation).
    public func define(_ builtin: Builtin) {
        builtins.define(builtin.name, .function(builtin))
        docs[builtin.name] = builtin.doc
        builtinNames.insert(builtin.name)
    }

    /// Defines a global value that counts as built-in (a constant such as `pi`).
    public func defineConstant(_ name: String, _ value: Value, doc: String) {
        builtins.define(name, value)
        docs[name] = Doc(name, doc)
        builtinNames.insert(name)
    }

    /// Records documentation that is not a global (a method: `tensor.sum`).
    public func document(_ doc: Doc) { docs[doc.name] = doc }

    /// Adds a help topic.
    public func addTopic(_ name: String, _ text: String) { topics[name] = text }

    /// Drops every user variable, keeping the built-ins.
    public func reset() {
        globals = Environment(parent: builtins, dense: true)
        generator = SeededGenerator(seed: 0)
    }

    private func installBuiltins() {
        installCoreBuiltins()
        installTensorBuiltins()
        for register in Interpreter.registrations { register(self) }
    }

    /// The host bindings' state of type `T` for this interpreter, made by `make` on first use.
    public func state<T: AnyObject>(_ type: T.Type, make: () -> T) -> T {
        if let s = extensionState[ObjectIdentifier(type)] as? T { return s }
        let s = make()
        extensionState[ObjectIdentifier(type)] = s
        return s
    }

    /// Reads a variable (a global or a built-in); setting defines or removes a global.
    public subscript(name: String) -> Value? {
        get { globals.lookup(name) }
        set {
            if let newValue { globals.define(name, newValue) } else if let id = SymbolTable.shared.existing(name) { globals.remove(id) }
        }
    }

    /// The session's global variables (not the built-ins), sorted by name.
    public var userVariables: [(String, Value)] {
        globals.entries
    }

    // MARK: Running

    /// Parses and runs `text`; returns the value of the last statement when it is an expression
    /// statement without `;` (what a REPL prints).
    @discardableResult
    public func run(_ text: String, name: String = "<input>") throws -> Value? {
        // Parsed, run and released on one script thread: a tall tree never unwinds elsewhere.
        try ScriptThread.run { try run(Parser.parse(SourceFile(name: name, text: text))) }
    }

    /// Runs a parsed program in the global scope.
    @discardableResult
    public func run(_ program: Program) throws -> Value? {
        try run(program.statements)
    }

    /// Runs top-level statements (a whole program or one notebook cell), on a script thread
    /// (`ScriptThread`).
    @discardableResult
    public func run(_ statements: [Stmt]) throws -> Value? {
        try ScriptThread.run { try runHere(statements) }
    }

    private func runHere(_ statements: [Stmt]) throws -> Value? {
        // A top-level run starts fresh step and time budgets; a nested one (a host binding
        // running script code, a `load`) shares its caller's budgets and call depth.
        guard runDepth == 0 else { return try runStatements(statements) }
        if callDepth == 0 { steps = 0 }
        let budget = timeLimit.map { RunDeadline(seconds: $0) }
        runDepth += 1
        defer {
            runDepth -= 1
            budget?.end()
        }
        do {
            return try runStatements(statements)
        } catch let e as ScriptError where e.kind == .interrupted && budget?.hasExpired == true {
            throw budget!.error(replacing: e)
        }
    }

    private func runStatements(_ statements: [Stmt]) throws -> Value? {
        var last: Value?
        for stmt in statements {
            last = nil
            switch try execute(stmt, in: globals) {
            case let .normal(v):
                if case let .expression(_, suppressed) = stmt.kind, !suppressed { last = v }
            case .breakLoop, .continueLoop:
                throw ScriptError(.runtime, "'break' or 'continue' outside a loop", at: stmt.location)
            case .returned:
                throw ScriptError(.runtime, "'return' outside a function", at: stmt.location)
            }
        }
        return last
    }

    /// Calls a script value (closure or built-in) from Swift (on a script thread).
    public func call(_ callee: Value, _ positional: [Value], keywords: [(String, Value)] = []) throws -> Value {
        try ScriptThread.run { try call(callee, positional: positional, keywords: keywords, at: nil) }
    }

    // MARK: Statements

    enum Flow {
        case normal(Value?)
        case breakLoop, continueLoop
        case returned(Value)
    }

    /// For host bindings with long loops (embedding a dataset, training): throws the
    /// "interrupted" error when Ctrl-C was pressed, so work stops at a clean boundary (call it
    /// between batches) and the REPL keeps every variable.
    public static func throwIfInterrupted() throws {
        if Interrupt.take() {
            throw ScriptError(.interrupted, ScriptError.ctrlC)
        }
    }

    private func checkInterrupt(_ loc: SourceLocation) throws {
        if Interrupt.take() {
            throw ScriptError(.interrupted, ScriptError.ctrlC, at: loc)
        }
        steps += 1
        if let limit = stepLimit, steps > limit {
            throw ScriptError(.runtime, "step limit of \(limit) exceeded (loop iterations plus calls)", at: loc)
        }
        // Memory that grows a little per step (a list appended to in a loop) passes no single
        // large request; resident memory is read every 1024 steps instead.
        if steps & 1023 == 0 {
            do {
                try AllocationBudget.checkResident()
            } catch var e as ScriptError {
                e.location = loc
                throw e
            }
        }
    }

    /// Runs a block; its value is the value of its last statement (so a function body or an
    /// `if` branch can end in an expression that becomes its result).
    private func executeBlock(_ statements: [Stmt], in env: Environment) throws -> Flow {
        depth += 1
        defer { depth -= 1 }
        if depth > ScriptLimits.maxNesting { throw tooDeep(at: statements.first?.location) }
        var last: Value?
        for stmt in statements {
            let flow = try execute(stmt, in: env)
            guard case let .normal(v) = flow else { return flow }
            last = v
        }
        return .normal(last)
    }

    private func execute(_ stmt: Stmt, in env: Environment) throws -> Flow {
        switch stmt.kind {
        case let .expression(e, _):
            return .normal(try evaluate(e, in: env))
        case let .assign(target, op, valueExpr):
            var value = try evaluate(valueExpr, in: env)
            if let op {
                let current = try evaluate(target, in: env)
                value = try located(valueExpr.location) { try binary(op, current, value) }
            }
            try assign(target, value, in: env)
            return .normal(nil)
        case let .function(decl):
            env.assign(decl.symbol.id, .function(Closure(decl: decl, environment: env)))
            return .normal(nil)
        case let .if(condition, thenBranch, elseBranch):
            let c = try evaluate(condition, in: env)
            if try located(condition.location, { try c.truthy() }) {
                return try executeBlock(thenBranch, in: env)
            } else if let elseBranch {
                return try executeBlock(elseBranch, in: env)
            }
            return .normal(nil)
        case let .while(condition, body):
            while true {
                try checkInterrupt(stmt.location)
                let c = try evaluate(condition, in: env)
                guard try located(condition.location, { try c.truthy() }) else { break }
                switch try executeBlock(body, in: env) {
                case .breakLoop: return .normal(nil)
                case let .returned(v): return .returned(v)
                case .normal, .continueLoop: continue
                }
            }
            return .normal(nil)
        case let .for(variable, iterableExpr, body):
            let iterable = try evaluate(iterableExpr, in: env)
            let iterator = try located(iterableExpr.location) { try makeIterator(iterable) }
            while let item = try located(iterableExpr.location, { try iterator() }) {
                try checkInterrupt(stmt.location)
                env.assign(variable.id, item)
                switch try executeBlock(body, in: env) {
                case .breakLoop: return .normal(nil)
                case let .returned(v): return .returned(v)
                case .normal, .continueLoop: continue
                }
            }
            return .normal(nil)
        case let .return(e):
            return .returned(try e.map { try evaluate($0, in: env) } ?? .nil)
        case .break:
            return .breakLoop
        case .continue:
            return .continueLoop
        }
    }

    /// A pull iterator over a list (a snapshot), range, map (its keys), string (characters) or
    /// tensor (slices along the first axis).
    private func makeIterator(_ v: Value) throws -> () throws -> Value? {
        switch v {
        case let .list(l):
            var it = l.items.makeIterator()
            return { it.next() }
        case let .range(s, e, st):
            var it = Value.rangeElements(s, e, st).makeIterator()
            return { it.next().map { .int($0) } }
        case let .map(m):
            var it = m.keys.makeIterator()
            return { it.next().map { .string($0) } }
        case let .string(s):
            var it = s.makeIterator()
            return { it.next().map { .string(String($0)) } }
        case let .tensor(t):
            guard t.rank > 0 else { throw ScriptError.runtime("cannot iterate over a scalar tensor") }
            var i = 0
            return {
                guard i < t.shape[0] else { return nil }
                defer { i += 1 }
                return .tensor(try t.select(axis: 0, index: i))
            }
        default:
            throw ScriptError.type(expected: "list, range, map, string or tensor", found: v, context: "for loop")
        }
    }

    private func assign(_ target: Expr, _ value: Value, in env: Environment) throws {
        switch target.kind {
        case let .variable(symbol):
            env.assign(symbol.id, value)
        case let .field(objectExpr, name):
            let object = try evaluate(objectExpr, in: env)
            try located(target.location) {
                switch object {
                case let .map(m): m[name] = value
                case let .host(h): try h.setField(name, value)
                default: throw ScriptError.runtime("cannot assign field '\(name)' of a \(object.typeName)")
                }
            }
        case let .index(objectExpr, items):
            let object = try evaluate(objectExpr, in: env)
            guard items.count == 1, case let .single(indexExpr) = items[0] else {
                throw ScriptError(.runtime, "only a single index can be assigned", at: target.location)
            }
            let index = try evaluate(indexExpr, in: env)
            try located(target.location) {
                switch object {
                case let .list(l):
                    let i = try normalizedIndex(index, count: l.items.count, context: "list index")
                    l.items[i] = value
                case let .map(m):
                    m[try index.asString("map key")] = value
                case .tensor:
                    throw ScriptError.runtime("tensors are immutable in scripts; build a new one (e.g. with concat or where)")
                default:
                    throw ScriptError.runtime("cannot assign into a \(object.typeName)")
                }
            }
        default:
            throw ScriptError(.syntax, "cannot assign to this expression", at: target.location)
        }
    }

    // MARK: Expressions

    /// Runs `body`, attaching `loc` to an error that has none yet and turning engine errors
    /// into script errors.
    func located<T>(_ loc: SourceLocation?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var e as ScriptError {
            if e.location == nil { e.location = loc }
            throw e
        } catch let e as TensorError {
            throw ScriptError(.runtime, e.description, at: loc)
        } catch {
            // Errors of the lower layers (datasets, models, learners) describe themselves.
            throw ScriptError(.runtime, "\(error)", at: loc)
        }
    }

    /// The error for a depth budget used up: nesting within one run, or recursion.
    private func tooDeep(at location: SourceLocation?) -> ScriptError {
        callDepth > 0 ? ScriptLimits.recursionError(calls: callDepth, at: location) : ScriptLimits.nestingError(.runtime, at: location)
    }

    private func evaluate(_ expr: Expr, in env: Environment) throws -> Value {
        depth += 1
        defer { depth -= 1 }
        if depth > ScriptLimits.maxNesting { throw tooDeep(at: expr.location) }
        switch expr.kind {
        case let .number(n): return .number(n)
        case let .string(s): return .string(s)
        case let .bool(b): return .bool(b)
        case .nil: return .nil
        case let .interpolation(pieces):
            return .string(try located(expr.location) { try AllocationBudget.joined(pieces.map { try evaluate($0, in: env).displayText() }) })
        case let .variable(symbol):
            if let v = env.lookup(symbol.id) { return v }
            throw ScriptError(.runtime, "unknown name '\(symbol.name)'" + suggestion(for: symbol.name, in: env), at: expr.location)
        case let .list(items):
            return .list(try items.map { try evaluate($0, in: env) })
        case let .map(entries):
            let m = MapBox()
            for (k, v) in entries { m[k] = try evaluate(v, in: env) }
            return .map(m)
        case let .unary(op, operand):
            let v = try evaluate(operand, in: env)
            return try located(expr.location) {
                switch op {
                case .not: return .bool(!(try v.truthy()))
                case .negate:
                    switch v {
                    case let .number(n): return .number(-n)
                    case let .tensor(t): return .tensor(-t)
                    default: throw ScriptError.type(expected: "number or tensor", found: v, context: "unary '-'")
                    }
                }
            }
        case let .binary(op, l, r):
            let left = try evaluate(l, in: env)
            // `and` / `or` short-circuit and yield an operand (Lua style: `x or default`).
            if op == .and { return try located(l.location, { try left.truthy() }) ? try evaluate(r, in: env) : left }
            if op == .or { return try located(l.location, { try left.truthy() }) ? left : try evaluate(r, in: env) }
            let right = try evaluate(r, in: env)
            return try located(expr.location) { try binary(op, left, right) }
        case let .call(calleeExpr, arguments):
            // `x.method(...)`: evaluate the receiver once and look the method up on it.
            let callee = try evaluate(calleeExpr, in: env)
            var positional: [Value] = []
            var keywords: [(String, Value)] = []
            for a in arguments {
                let v = try evaluate(a.value, in: env)
                if let label = a.label { keywords.append((label, v)) } else { positional.append(v) }
            }
            return try call(callee, positional: positional, keywords: keywords, at: expr.location)
        case let .field(objectExpr, name):
            let object = try evaluate(objectExpr, in: env)
            return try located(expr.location) { try field(of: object, name) }
        case let .index(objectExpr, items):
            let object = try evaluate(objectExpr, in: env)
            var resolved: [ResolvedIndex] = []
            for item in items {
                switch item {
                case let .single(e): resolved.append(.single(try evaluate(e, in: env)))
                case let .slice(a, b, c):
                    resolved.append(.slice(try a.map { try evaluate($0, in: env) }, try b.map { try evaluate($0, in: env) },
                                           try c.map { try evaluate($0, in: env) }))
                }
            }
            return try located(expr.location) { try index(object, resolved) }
        case let .function(decl):
            return .function(Closure(decl: decl, environment: env))
        case let .if(condition, thenBranch, elseBranch):
            let c = try evaluate(condition, in: env)
            let branch = try located(condition.location, { try c.truthy() }) ? thenBranch : elseBranch
            guard let branch else { return .nil }
            switch try executeBlock(branch, in: env) {
            case let .normal(v): return v ?? .nil
            case .breakLoop, .continueLoop, .returned:
                throw ScriptError(.runtime, "'break', 'continue' and 'return' cannot leave an if expression", at: expr.location)
            }
        }
    }

    /// " (did you mean 'x'?)" for a close known name.
    private func suggestion(for name: String, in env: Environment) -> String {
        NameSuggestion.hint(for: name, in: env.allNames)
    }

    // MARK: Calls

    func call(_ callee: Value, positional: [Value], keywords: [(String, Value)], at loc: SourceLocation?) throws -> Value {
        guard case let .function(f) = callee else {
            throw ScriptError(.type, "cannot call a \(callee.typeName)", at: loc)
        }
        if let loc { try checkInterrupt(loc) }
        callDepth += 1
        depth += ScriptLimits.callWeight
        defer {
            callDepth -= 1
            depth -= ScriptLimits.callWeight
        }
        // The count bounds what the interpreter's own frames use; the stack check also stops
        // recursion through built-ins whose frames it cannot count (a learner's logits function
        // called from the trainer).
        guard depth <= ScriptLimits.maxNesting, ScriptThread.hasStack(for: ScriptLimits.callReserve) else {
            throw ScriptLimits.recursionError(calls: callDepth, at: loc)
        }
        do {
            if let b = f as? Builtin {
                return try located(loc) {
                    let args = try Arguments(doc: b.doc, positional: positional, keywords: keywords)
                    return try b.body(args, self)
                }
            }
            guard let closure = f as? Closure else { throw ScriptError(.runtime, "cannot call \(f.name)", at: loc) }
            return try callClosure(closure, positional: positional, keywords: keywords, at: loc)
        } catch var e as ScriptError {
            // Each script function the error unwinds through becomes one line of the stack.
            if let c = f as? Closure {
                e.stack.append(StackFrame(function: c.name, callSite: loc))
            }
            throw e
        }
    }

    private func callClosure(_ closure: Closure, positional: [Value], keywords: [(String, Value)], at loc: SourceLocation?) throws -> Value {
        let decl = closure.decl
        let params = decl.parameters
        guard positional.count <= params.count else {
            throw ScriptError(.runtime, "\(decl.name) takes at most \(params.count) argument\(params.count == 1 ? "" : "s"), got \(positional.count)", at: loc)
        }
        let env = Environment(parent: closure.environment)
        var bound = [Value?](repeating: nil, count: params.count)
        for (i, v) in positional.enumerated() { bound[i] = v }
        for (label, v) in keywords {
            guard let i = params.firstIndex(where: { $0.name == label }) else {
                throw ScriptError(.runtime, "\(decl.name) has no parameter '\(label)'", at: loc)
            }
            if bound[i] != nil { throw ScriptError(.runtime, "\(decl.name): argument '\(label)' given twice", at: loc) }
            bound[i] = v
        }
        for (i, p) in params.enumerated() {
            if let v = bound[i] {
                env.define(p.symbol.id, v)
            } else if let d = p.defaultValue {
                // Defaults are evaluated at call time in the function's scope, so they may use
                // earlier parameters.
                env.define(p.symbol.id, try evaluate(d, in: env))
            } else {
                throw ScriptError(.runtime, "\(decl.name) is missing argument '\(p.name)'", at: loc)
            }
        }
        switch try executeBlock(decl.body, in: env) {
        case let .returned(v): return v
        case let .normal(v): return v ?? .nil
        case .breakLoop, .continueLoop:
            throw ScriptError(.runtime, "'break' or 'continue' outside a loop", at: decl.location)
        }
    }
}
