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

/// `--max-steps N` of `palm run`: a bound on the loop iterations plus function calls a script
/// may execute, for running scripts that may never stop (the fuzz tests run mutated scripts
/// through `palm` this way). With `--report` each cell gets the budget afresh, as each cell is
/// one run. No bound by default; Ctrl-C stops a script either way.
struct StepLimitOption: ParsableArguments {
    @Option(name: .customLong("max-steps"),
            help: ArgumentHelp("Stop the script with an error after this many loop iterations plus function calls (per cell with --report; default: no limit).",
                               valueName: "n"))
    var maxSteps: Int?

    init() {}

    func validate() throws {
        if let maxSteps, maxSteps <= 0 { throw ValidationError("--max-steps: '\(maxSteps)' is not a positive whole number") }
    }

    /// `text` as a step count, or a validation error naming the option.
    static func steps(_ text: String) throws -> Int {
        guard let n = Int(text), n > 0 else { throw ValidationError("--max-steps: '\(text)' is not a positive whole number") }
        return n
    }
}
