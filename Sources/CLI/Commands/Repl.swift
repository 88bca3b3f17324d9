import ArgumentParser
import REPL
import Reports
import enum ScriptCore.AllocationBudget
import class ScriptCore.Interpreter

/// `palm` with no subcommand: the interactive REPL.
public struct Repl: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "repl", abstract: "Start the interactive REPL (the default).")

    @Option(help: "History file (default ~/.palm_history).") var history: String?
    @OptionGroup var memory: MemoryBudgetOption

    public init() {}

    public func run() throws {
        try memory.apply()
        runREPL(historyPath: history ?? REPL.defaultHistoryPath)
    }
}

/// `palm run script.palm [--report out.html|out.md] [--max-memory SIZE] [--max-steps N] [args...]`.
public struct Run: ParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "Run a palm script, optionally writing a notebook-style report.")

    @Option(help: "Write a report of every #%% cell (code, output, tables, plots): .html or .md.") var report: String?
    @OptionGroup var memory: MemoryBudgetOption
    @OptionGroup var steps: StepLimitOption
    @Argument(help: "The script (.palm).") var script: String
    @Argument(parsing: .captureForPassthrough, help: "Arguments the script sees as `args`.") var arguments: [String] = []

    public init() {}

    public func run() throws {
        // Script arguments are passed through untouched, so `--report`, `--max-memory` or
        // `--max-steps` after the script name lands among them: take them out here so both
        // orders work.
        var args = arguments, out = report
        if let i = args.firstIndex(of: "--report"), i + 1 < args.count {
            out = args[i + 1]
            args.removeSubrange(i...(i + 1))
        }
        try memory.apply()
        if let i = args.firstIndex(of: "--max-memory"), i + 1 < args.count {
            AllocationBudget.memoryBudget = try MemoryBudgetOption.bytes(args[i + 1])
            args.removeSubrange(i...(i + 1))
        }
        let interpreter = Interpreter()
        interpreter.stepLimit = steps.maxSteps
        if let i = args.firstIndex(of: "--max-steps"), i + 1 < args.count {
            interpreter.stepLimit = try StepLimitOption.steps(args[i + 1])
            args.removeSubrange(i...(i + 1))
        }
        let status = runScript(path: script, arguments: args, report: out, interpreter: interpreter)
        if status != 0 { throw ExitCode(status) }
    }
}
