import Foundation
import Tensor

// The core built-ins: printing, conversion, collections, math, errors and help. Each is
// declared with its documentation, which doubles as its parameter list (see `Doc`).

extension Interpreter {
    /// Shorthand for defining a documented built-in.
    public func builtin(_ name: String, _ summary: String, _ params: [Param] = [], variadic: Bool = false, returns: String = "",
                 _ body: @escaping (Arguments, Interpreter) throws -> Value) {
        define(Builtin(Doc(name, summary, params: params, variadic: variadic, returns: returns), body))
    }

    func installCoreBuiltins() {
        installSessionBuiltins()
        installFileBuiltins()
        builtin("print", "Prints the values separated by spaces (strings without quotes).",
                [Param("sep", "separator between values", default: "\" \"")], variadic: true) { args, interp in
            let sep = try args[0].map { try $0.asString("print argument 'sep'") } ?? " "
            interp.output(try AllocationBudget.joined(args.rest.map { try $0.displayText() }, separator: sep))
            return .nil
        }
        builtin("str", "Converts a value to its display string.", [Param("x", "any value")], returns: "string") { args, _ in
            .string(try args.value(0).displayText())
        }
        builtin("repr", "The value as the REPL shows it (strings quoted).", [Param("x", "any value")], returns: "string") { args, _ in
            .string(try args.value(0).reprText())
        }
        builtin("type", "The type name of a value: nil, bool, number, string, list, map, range, function, tensor, or a host type.",
                [Param("x", "any value")], returns: "string") { args, _ in
            .string(args.values[0].map(\.typeName) ?? "nil")
        }
        builtin("len", "Number of elements of a list, map, string, range, or the first dimension of a tensor.",
                [Param("x", "a collection")], returns: "number") { args, _ in
            let v = try args.value(0)
            switch v {
            case let .list(l): return .int(l.items.count)
            case let .map(m): return .int(m.count)
            case let .string(s): return .int(s.count)
            case let .range(s, e, st): return .int(Value.rangeCount(s, e, st))
            case let .tensor(t): return .int(t.shape.first ?? 1)
            default: throw ScriptError.type(expected: "list, map, string, range or tensor", found: v, context: "len argument 'x'")
            }
        }
        builtin("range", "Integers from start (default 0) up to but not including end, by step.",
                [Param("a", "end, or start when b is given"), Param("b", "end", default: "nil"), Param("step", "increment", default: "1")],
                returns: "range") { args, _ in
            let step = try args.int(2, default: 1)
            guard step != 0 else { throw ScriptError.runtime("range step cannot be zero") }
            if args[1] == nil { return .range(start: 0, end: try args.int(0), step: step) }
            return .range(start: try args.int(0), end: try args.int(1), step: step)
        }
        builtin("list", "A new list from a range, list, string or map keys.", [Param("x", "an iterable", default: "nil")], returns: "list") { args, _ in
            guard let v = args[0] else { return .list([]) }
            switch v {
            case let .string(s):
                try AllocationBudget.require(s.count, .list)
                return .list(s.map { .string(String($0)) })
            case let .map(m): return .list(m.keys.map { .string($0) })
            case let .tensor(t):
                try AllocationBudget.require(t.count, .list)
                return .list(t.toArray().map { .float($0) })
            default: return .list(try v.asList("list argument 'x'"))
            }
        }
        builtin("number", "Parses a string as a number, or converts a one-element tensor or bool.", [Param("x", "string, bool or tensor")],
                returns: "number") { args, _ in
            let v = try args.value(0)
            switch v {
            case let .string(s):
                guard let d = Double(s.trimmingCharacters(in: .whitespaces)) else { throw ScriptError.runtime("'\(s)' is not a number") }
                return .number(d)
            case let .bool(b): return .number(b ? 1 : 0)
            default: return .number(try v.asNumber("number argument 'x'"))
            }
        }
        builtin("int", "Truncates a number toward zero.", [Param("x", "number")], returns: "number") { args, _ in
            .number(try args.number(0).rounded(.towardZero))
        }
        builtin("abs", "Absolute value of a number (use t.abs() for tensors).", [Param("x", "number")], returns: "number") { args, _ in
            .number(Swift.abs(try args.number(0)))
        }
        builtin("floor", "Largest integer not above x.", [Param("x", "number")], returns: "number") { args, _ in .number(try args.number(0).rounded(.down)) }
        builtin("ceil", "Smallest integer not below x.", [Param("x", "number")], returns: "number") { args, _ in .number(try args.number(0).rounded(.up)) }
        builtin("round", "Rounds to `digits` decimals (half away from zero).", [Param("x", "number"), Param("digits", "decimals", default: "0")],
                returns: "number") { args, _ in
            let scale = Foundation.pow(10, Double(try args.int(1, default: 0)))
            return .number((try args.number(0) * scale).rounded() / scale)
        }
        builtin("sqrt", "Square root of a number.", [Param("x", "number")], returns: "number") { args, _ in .number(try args.number(0).squareRoot()) }
        builtin("min", "Smallest of the arguments, or of one list.", [], variadic: true, returns: "number") { args, interp in
            try interp.extreme(args.rest, "min", <)
        }
        builtin("max", "Largest of the arguments, or of one list.", [], variadic: true, returns: "number") { args, interp in
            try interp.extreme(args.rest, "max", >)
        }
        builtin("sorted", "A sorted copy of a list of numbers or strings.", [Param("xs", "list"), Param("reverse", "descending order", default: "false")],
                returns: "list") { args, interp in
            let items = try args.value(0).asList("sorted argument 'xs'")
            var failure: Error?
            var out = items.sorted { a, b in
                do { return try interp.binary(.less, a, b).truthy() } catch { failure = error; return false }
            }
            if let failure { throw failure }
            if try args.bool(1, default: false) { out.reverse() }
            return .list(out)
        }
        builtin("fmt", "x with exactly `digits` decimals, as a string (for tables and reports).",
                [Param("x", "number or one-element tensor"), Param("digits", "decimals", default: "2")], returns: "string") { args, _ in
            let digits = try args.int(1, default: 2)
            guard (0...17).contains(digits) else { throw ScriptError.runtime("fmt: digits must be in 0...17, found \(digits)") }
            return .string(String(format: "%.\(digits)f", try args.number(0)))
        }
        builtin("clock", "Seconds since an arbitrary start (for timing).", returns: "number") { _, _ in
            .number(Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
        }
        builtin("error", "Raises an error with `message`.", [Param("message", "what went wrong")]) { args, _ in
            throw ScriptError.runtime(try args.value(0).displayString)
        }
        builtin("assert", "Raises an error unless `condition` is true.",
                [Param("condition", "must be truthy"), Param("message", "shown on failure", default: "\"assertion failed\"")]) { args, _ in
            if try !(args.value(0).truthy()) {
                throw ScriptError.runtime(args[1]?.displayString ?? "assertion failed")
            }
            return .nil
        }
        builtin("catch", "Calls `f` with no arguments; returns the error message if it fails, else nil.",
                [Param("f", "a function of no arguments")], returns: "string or nil") { args, interp in
            do {
                _ = try interp.call(try args.value(0), [])
                return .nil
            } catch let e as ScriptError where e.kind != .interrupted {
                return .string(e.message)
            }
        }
        builtin("help", "Documentation of a value, a built-in, a method (\"tensor.sum\") or a topic; no argument lists everything.",
                [Param("x", "value or name", default: "nil")]) { args, interp in
            interp.output(interp.helpText(args.values[0]))
            return .nil
        }
        defineConstant("pi", .number(Double.pi), doc: "The ratio of a circle's circumference to its diameter.")
        installValueMemberDocs()
        addTopic("syntax", """
            palm syntax (files end in .palm):
              x = 1; x += 2                 assignment (also -= *= /=); ; separates statements
              "a \\(x + 1) b"                string interpolation
              [1, 2], {lr: 0.1, "k": 2}     list, map;  0..<n and a...b are ranges
              fn f(a, b = 2) { a + b }      function; the last expression is the result
              f(1, b: 3)                    positional, then keyword arguments
              fn(x) { x * 2 }               anonymous function
              if c { } else if d { } else { }
              for x in xs { }   while c { }   break   continue   return x
              and or not, == != < <= > >=, + - * / % ^ (power), @ (matmul)
              t[0, 1:3], t[:, -1], t[::2]  indexing and slicing;  t.T  transpose
              # comment;  #%% title  starts a notebook cell;  #' Markdown prose
            scopes: a function call has its own scope; blocks share their function's. Assigning
              to a name updates the nearest enclosing variable of that name, else makes a local.
            truth: nil and false are false, everything else true (a one-element tensor: != 0).
            """)
    }

    func extreme(_ values: [Value], _ name: String, _ better: (Double, Double) -> Bool) throws -> Value {
        let items = values.count == 1 ? try values[0].asList("\(name) argument") : values
        guard var best = try items.first?.asNumber("\(name) argument") else { throw ScriptError.runtime("\(name) of nothing") }
        for v in items.dropFirst() {
            let x = try v.asNumber("\(name) argument")
            if better(x, best) { best = x }
        }
        return .number(best)
    }

    /// `args`, `options`, `env` and `show`: what a script sees of its run.
    func installSessionBuiltins() {
        // `palm run script.palm a b` sets the global `args`; this empty default lets scripts
        // (and the prelude) read it in the REPL too.
        defineConstant("args", .list([]), doc: "The script's command-line arguments (a list of strings; empty in the REPL).")
        defineConstant("options", .map(MapBox([])), doc: "Typed options the host passed to the script (palm demo's seeds, shots, ...; empty otherwise); the prelude's option(name) reads them.")
        builtin("env", "The value of environment variable `name`, or `default` when it is unset or empty.",
                [Param("name", "variable name"), Param("default", "value when unset", default: "nil")],
                returns: "string or nil") { args, _ in
            let name = try args.string(0)
            if let v = ProcessInfo.processInfo.environment[name], !v.isEmpty { return .string(v) }
            return args[1] ?? .nil
        }
        builtin("show", "Shows a value: in a report, tables and plots render as HTML tables and SVG; in the terminal as text.",
                [Param("x", "any value")]) { args, interp in
            let v = try args.value(0)
            if let display = interp.display { display(v) } else { interp.output(try v.displayText()) }
            return .nil
        }
    }
}
