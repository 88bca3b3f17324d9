import ArgumentParser
import ScriptCore

/// `--max-memory SIZE` of `palm run` and `palm repl`: the memory budget a script's tensors,
/// lists and strings must fit in (`AllocationBudget`).
struct MemoryBudgetOption: ParsableArguments {
    @Option(name: .customLong("max-memory"),
            help: ArgumentHelp("Memory budget for the script, e.g. 4G or 512M (default: three quarters of physical memory, \(AllocationBudget.bytesText(AllocationBudget.defaultMemoryBudget)) here).",
                               valueName: "size"))
    var maxMemory: String?

    init() {}

    func validate() throws {
        if let maxMemory { _ = try MemoryBudgetOption.bytes(maxMemory) }
    }

    /// Sets the process's memory budget when the option was given.
    func apply() throws {
        if let maxMemory { AllocationBudget.memoryBudget = try MemoryBudgetOption.bytes(maxMemory) }
    }

    /// `text` as a byte count, or a validation error naming the option.
    static func bytes(_ text: String) throws -> Int {
        guard let bytes = AllocationBudget.parseSize(text) else {
            throw ValidationError("--max-memory: '\(text)' is not a size (e.g. 4G, 512M, 800K)")
        }
        return bytes
    }
}

/// `--max-steps N` and `--max-seconds S` of `palm run` and `palm repl`: bounds on what one run
/// may do, for scripts that may never stop (the fuzz tests run mutated scripts through `palm`
/// this way). A run is the script, each cell with `--report`, or each REPL entry: each gets
/// the budgets afresh. No bound by default; Ctrl-C stops a run either way.
struct RunLimitOptions: ParsableArguments {
    @Option(name: .customLong("max-steps"),
            help: ArgumentHelp("Stop a run with an error after this many loop iterations plus function calls (the script; each cell with --report; each REPL entry; default: no limit).",
                               valueName: "n"))
    var maxSteps: Int?
    @Option(name: .customLong("max-seconds"),
            help: ArgumentHelp("Stop a run with an error after this many seconds of wall-clock time (the script; each cell with --report; each REPL entry; default: no limit).",
                               valueName: "s"))
    var maxSeconds: Double?

    init() {}

    func validate() throws {
        if let maxSteps { _ = try Self.steps(String(maxSteps)) }
        if let maxSeconds { _ = try Self.seconds(String(maxSeconds)) }
    }

    /// Gives `interpreter` the limits that were set.
    func apply(to interpreter: Interpreter) {
        if let maxSteps { interpreter.stepLimit = maxSteps }
        if let maxSeconds { interpreter.timeLimit = maxSeconds }
    }

    /// Takes `--max-steps N` and `--max-seconds S` out of a script's arguments (where they land
    /// when given after the script name) and gives them to `interpreter`.
    static func take(from arguments: inout [String], into interpreter: Interpreter) throws {
        if let n = try takeValue("--max-steps", from: &arguments) { interpreter.stepLimit = try steps(n) }
        if let s = try takeValue("--max-seconds", from: &arguments) { interpreter.timeLimit = try seconds(s) }
    }

    /// `text` as a step count, or a validation error naming the option.
    static func steps(_ text: String) throws -> Int {
        guard let n = Int(text), n > 0 else { throw ValidationError("--max-steps: '\(text)' is not a positive whole number") }
        return n
    }

    /// `text` as seconds, or a validation error naming the option.
    static func seconds(_ text: String) throws -> Double {
        guard let s = Double(text), s > 0, s.isFinite else { throw ValidationError("--max-seconds: '\(text)' is not a positive number of seconds") }
        return s
    }
}

/// Removes `option VALUE` from `arguments` and returns VALUE; nil when `option` is absent; an
/// error naming the option when it ends the list without a value.
func takeValue(_ option: String, from arguments: inout [String]) throws -> String? {
    guard let i = arguments.firstIndex(of: option) else { return nil }
    guard i + 1 < arguments.count else { throw ValidationError("\(option) needs a value") }
    let value = arguments[i + 1]
    arguments.removeSubrange(i...(i + 1))
    return value
}
