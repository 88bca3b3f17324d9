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
    @OptionGroup var limits: RunLimitOptions

    public init() {}

    public func run() throws {
        try memory.apply()
        let interpreter = Interpreter()
        limits.apply(to: interpreter)
        runREPL(historyPath: history ?? REPL.defaultHistoryPath, interpreter: interpreter)
    }
}

/// `palm run script.palm [--report out.html|out.md] [--max-memory SIZE] [--max-steps N]
/// [--max-seconds S] [args...]`; a Jupyter notebook (`notebook.ipynb`) runs its cells the same
/// way.
public struct Run: ParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "Run a palm script or notebook (.ipynb), optionally writing a notebook-style report.")

    @Option(help: "Write a report of every #%% cell (code, output, tables, plots): .html or .md.") var report: String?
    @Option(help: "For a notebook (.ipynb): run its code cells one at a time as Jupyter does and write the notebook with their outputs to this .ipynb file.")
    var output: String?
    @OptionGroup var memory: MemoryBudgetOption
    @OptionGroup var limits: RunLimitOptions
    @Argument(help: "The script (.palm) or Jupyter notebook (.ipynb).") var script: String
    @Argument(parsing: .captureForPassthrough, help: "Arguments the script sees as `args`.") var arguments: [String] = []

    public init() {}

    public func run() throws {
        // Script arguments are passed through untouched, so `--report`, `--max-memory`,
        // `--max-steps` or `--max-seconds` after the script name lands among them: take them
        // out here so both orders work.
        var args = arguments
        let out = try takeValue("--report", from: &args) ?? report
        try memory.apply()
        if let size = try takeValue("--max-memory", from: &args) { AllocationBudget.memoryBudget = try MemoryBudgetOption.bytes(size) }
        let interpreter = Interpreter()
        limits.apply(to: interpreter)
        try RunLimitOptions.take(from: &args, into: interpreter)
        if let executed = try takeValue("--output", from: &args) ?? output {
            guard out == nil else { throw ValidationError("--output writes the executed notebook; --report a report: give one of them") }
            let status = runNotebook(path: script, arguments: args, output: executed, interpreter: interpreter)
            if status != 0 { throw ExitCode(status) }
            return
        }
        let status = runScript(path: script, arguments: args, report: out, interpreter: interpreter)
        if status != 0 { throw ExitCode(status) }
    }
}
