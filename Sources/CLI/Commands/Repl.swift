import ArgumentParser
import REPL
import Reports

/// `palm` with no subcommand: the interactive REPL.
public struct Repl: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "repl", abstract: "Start the interactive REPL (the default).")

    @Option(help: "History file (default ~/.palm_history).") var history: String?

    public init() {}

    public func run() throws { runREPL(historyPath: history ?? REPL.defaultHistoryPath) }
}

/// `palm run script.palm [--report out.html|out.md] [args...]`.
public struct Run: ParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "Run a palm script, optionally writing a notebook-style report.")

    @Option(help: "Write a report of every #%% cell (code, output, tables, plots): .html or .md.") var report: String?
    @Argument(help: "The script (.palm).") var script: String
    @Argument(parsing: .captureForPassthrough, help: "Arguments the script sees as `args`.") var arguments: [String] = []

    public init() {}

    public func run() throws {
        // Script arguments are passed through untouched, so `--report` after the script name
        // lands among them: take it out here so both orders work.
        var args = arguments, out = report
        if let i = args.firstIndex(of: "--report"), i + 1 < args.count {
            out = args[i + 1]
            args.removeSubrange(i...(i + 1))
        }
        let status = runScript(path: script, arguments: args, report: out)
        if status != 0 { throw ExitCode(status) }
    }
}
