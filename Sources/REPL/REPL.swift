import Foundation
import Reports
import ScriptCore
import Support

/// The interactive read-eval-print loop.
///
/// Reads lines from a `LineReader` (readline on a terminal, plain lines otherwise), gathers
/// multi-line input while brackets are open or a line ends in an operator (continuation
/// prompt), runs each complete entry, and prints the value of a final expression (a trailing
/// `;` suppresses it; `_` holds the last printed value). Errors are printed and the session
/// goes on with every variable intact; Ctrl-C stops a running computation the same way.
/// History is appended to `historyPath` after every entry, so it survives restarts.
///
/// Commands: `:help [topic]`, `:vars`, `:load file`, `:time expr`, `:history`,
/// `:save file.palm`, `:report file.html`, `:reset`, `:quit`.
public final class REPL {
    public let interpreter: Interpreter
    /// Where results and command output go.
    public var output: (String) -> Void
    /// Where errors go.
    public var errorOutput: (String) -> Void
    /// The history file (one line per entry line); nil disables persistence.
    public let historyPath: String?
    /// Every history line, oldest first (loaded from the file, then this session's).
    public private(set) var history: [String] = []
    /// The entries of this session that ran without error (and `:load`ed files), for `:save`.
    public private(set) var sessionEntries: [String] = []
    /// Every entry of this session with what it printed and showed, errors included (for
    /// `:report`).
    public private(set) var transcript: [Report.Cell] = []
    public static let prompt = "palm> "
    public static let continuationPrompt = "  ... "
    /// History lines kept in the file.
    public var historyLimit = 2000
    private var reader: LineReader?

    /// `historyPath` defaults to `~/.palm_history`.
    public init(interpreter: Interpreter = Interpreter(), historyPath: String? = REPL.defaultHistoryPath,
                output: @escaping (String) -> Void = { print($0) },
                errorOutput: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.interpreter = interpreter
        self.historyPath = historyPath
        self.output = output
        self.errorOutput = errorOutput
        interpreter.output = { [unowned self] in self.output($0) }
        loadHistory()
    }

    public static var defaultHistoryPath: String {
        (NSHomeDirectory() as NSString).appendingPathComponent(".palm_history")
    }

    // MARK: The loop

    /// Runs until end of input or `:quit`, reading from `reader`.
    public func run(reader: LineReader) {
        self.reader = reader
        for line in history { reader.addHistory(line) }
        Interrupt.install()
        var pending: [String] = []
        // After a multi-line `if ... }` without `else`, one more line is read: an `else` there
        // continues the statement (as it may in a file); anything else ends it first.
        var awaitingElse = false
        var pushedBack: String?
        func finish() {
            for l in pending { record(l) }
            let text = pending.joined(separator: "\n")
            pending = []
            submit(text)
        }
        while true {
            let line: String
            if let p = pushedBack {
                line = p
                pushedBack = nil
            } else {
                guard let l = reader.readLine(prompt: pending.isEmpty ? REPL.prompt : REPL.continuationPrompt) else {
                    if !pending.isEmpty { finish() }
                    break
                }
                if reader.lineWasCancelled { pending = []; awaitingElse = false }
                line = l
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if awaitingElse {
                awaitingElse = false
                if !trimmed.hasPrefix("else") {
                    finish()
                    if !trimmed.isEmpty { pushedBack = line }
                    continue
                }
            } else {
                if pending.isEmpty, trimmed.hasPrefix(":") {
                    record(line)
                    if !command(trimmed) { break }
                    continue
                }
                if pending.isEmpty, trimmed.isEmpty { continue }
            }
            pending.append(line)
            let text = pending.joined(separator: "\n")
            if needsMoreInput(text) { continue }
            if pending.count > 1, endsWithIfWithoutElse(text) { awaitingElse = true; continue }
            finish()
        }
    }

    /// True when the last statement of `text` is an `if` (or `else if` chain) with no final
    /// `else`.
    func endsWithIfWithoutElse(_ text: String) -> Bool {
        guard var stmt = (try? Parser.parse(SourceFile(name: "<repl>", text: text)))?.statements.last else { return false }
        while case let .if(_, _, elseBranch) = stmt.kind {
            guard let elseBranch else { return true }
            guard elseBranch.count == 1, let inner = elseBranch.first, case .if = inner.kind else { return false }
            stmt = inner
        }
        return false
    }

    /// Whether an entry can run as typed.
    public enum InputStatus: Sendable {
        /// It parses.
        case complete
        /// It ends too early (open brackets or block, trailing operator): more lines are read.
        case incomplete
        /// It has a syntax error that more lines cannot fix.
        case invalid
    }

    /// Whether `text` parses, needs more lines, or cannot run.
    public func inputStatus(_ text: String) -> InputStatus {
        do {
            _ = try Parser.parse(SourceFile(name: "<repl>", text: text))
            return .complete
        } catch let e as ScriptError {
            return e.isIncompleteInput ? .incomplete : .invalid
        } catch {
            return .invalid
        }
    }

    /// True when `text` is an incomplete entry (open brackets or block, trailing operator).
    public func needsMoreInput(_ text: String) -> Bool { inputStatus(text) == .incomplete }

    /// Runs one complete entry; prints its value or its error. Returns true on success.
    @discardableResult
    public func submit(_ text: String) -> Bool {
        Interrupt.clear()  // a Ctrl-C typed at the prompt must not stop this entry
        // Everything the entry prints or shows is also recorded for `:report`.
        let recorder = ReportRecorder()
        let restore = recorder.attach(to: interpreter, echo: { [unowned self] in self.output($0) })
        var cell = Report.Cell(title: nil, prose: [], code: text)
        defer {
            restore()
            cell.items = recorder.finish()
            transcript.append(cell)
        }
        do {
            switch try evaluate(text) {
            case let .help(text): output(text)
            case let .value(value):
                output(value.repr)
                recorder.add(value)
            case .nothing: break
            }
            return true
        } catch let e as ScriptError {
            // Not added to the session: a saved session must replay without stopping at an
            // error (statements before the failing one did run; their effects are not saved).
            errorOutput(e.rendered)
            cell.error = e.rendered
            return false
        } catch {
            errorOutput("error: \(error)")
            cell.error = "error: \(error)"
            return false
        }
    }

    /// What an entry gives to show.
    public enum Outcome {
        /// Nothing: a statement, a `nil` value, or a trailing `;`.
        case nothing
        /// The value of its final expression (now also `_`).
        case value(Value)
        /// A bare `help`: the text `:help` gives.
        case help(String)
    }

    /// Runs one complete entry in the session without printing what it gives: the entry joins
    /// the session (for `:save`) when it runs without error, and a value to show becomes `_`.
    /// `submit` prints the outcome; the Jupyter kernel sends it as rich output.
    public func evaluate(_ text: String) throws -> Outcome {
        let value = try interpreter.run(text, name: "<repl>")
        sessionEntries.append(text)
        guard let value, !value.isNil else { return .nothing }
        // A bare `help` asks for help, not for the function: the text `:help` gives.
        if isHelpBuiltin(value) { return .help(fullHelp) }
        interpreter["_"] = value
        return .value(value)
    }

    // MARK: Commands

    /// Runs a `:command`; returns false for `:quit`.
    @discardableResult
    public func command(_ line: String) -> Bool {
        let body = line.dropFirst()
        let name = String(body.prefix { !$0.isWhitespace })
        let arg = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        switch name {
        case "quit", "q", "exit":
            return false
        case "help", "h":
            output(arg.isEmpty ? fullHelp : interpreter.helpText(topic: arg))
        case "vars":
            let vars = interpreter.userVariables
            if vars.isEmpty { output("(no variables)") }
            for (k, v) in vars {
                var shown = v.repr
                if shown.count > 70 { shown = String(shown.prefix(67)) + "..." }
                output("\(k): \(v.typeName) = \(shown)")
            }
        case "load":
            guard !arg.isEmpty else { errorOutput(":load needs a file"); break }
            let path = (unquote(arg) as NSString).expandingTildeInPath
            do {
                let text = try TextFile.read(path, role: "script")
                try interpreter.run(text, name: arg)
                sessionEntries.append(text)
            } catch let e as ScriptError {
                errorOutput(e.rendered)
            } catch {
                errorOutput("error: \(error)")
            }
        case "time":
            guard !arg.isEmpty else { errorOutput(":time needs an expression"); break }
            let start = DispatchTime.now().uptimeNanoseconds
            let ok = submit(arg)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if ok { output(String(format: "time: %.6f s", seconds)) }
        case "history":
            for (i, h) in history.enumerated() { output("\(i + 1)  \(h)") }
        case "save":
            guard !arg.isEmpty else { errorOutput(":save needs a file"); break }
            let path = (unquote(arg) as NSString).expandingTildeInPath
            let text = "# palm session saved \(ISO8601DateFormatter().string(from: Date()))\n" + sessionEntries.joined(separator: "\n") + "\n"
            do {
                try AtomicFile.write(text, to: path)
                output("saved \(sessionEntries.count) entries to \(arg)")
            } catch {
                errorOutput("\(error)")
            }
        case "reset":
            interpreter.reset()
            sessionEntries = []
            transcript = []
            output("session reset")
        case "report":
            guard !arg.isEmpty else { errorOutput(":report needs a file (.html or .md)"); break }
            let path = (unquote(arg) as NSString).expandingTildeInPath
            do {
                try Report(title: "palm session", cells: transcript).write(to: path)
                output("wrote \(transcript.count) entries to \(arg)")
            } catch {
                errorOutput("\(error)")
            }
        default:
            errorOutput("unknown command ':\(name)'; :help lists commands")
        }
        return true
    }

    /// What `:help` and a bare `help` print: the commands, then the overview of the language.
    var fullHelp: String { REPL.commandHelp + "\n\n" + interpreter.helpText(nil) }

    /// True when `value` is the built-in `help` itself (not a user's function of that name).
    private func isHelpBuiltin(_ value: Value) -> Bool {
        guard case let .function(f) = value, case let .function(builtin)? = interpreter.builtins.lookup("help") else { return false }
        return f === builtin
    }

    static let commandHelp = """
        commands:
          :help [topic]     this text, or help on a built-in, method (tensor.sum), type or topic
          :vars             the session's variables
          :load file        run a script in this session
          :time expr        run and time an entry
          :history          the input history
          :save file.palm   write this session's entries as a replayable script
          :report file.html write this session (code, output, tables, plots) as HTML or .md
          :reset            forget every variable
          :quit             leave (Ctrl-D too)
        an expression's value is printed (a trailing ; suppresses it); _ is the last value;
        Ctrl-C interrupts a running computation.
        """

    private func unquote(_ s: String) -> String {
        s.count >= 2 && s.hasPrefix("\"") && s.hasSuffix("\"") ? String(s.dropFirst().dropLast()) : s
    }

    // MARK: History

    private func loadHistory() {
        guard let historyPath, let text = try? String(contentsOfFile: historyPath, encoding: .utf8) else { return }
        history = text.split(separator: "\n").map(String.init)
    }

    /// Adds a line to the history and appends it to the file.
    private func record(_ line: String) {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        history.append(line)
        reader?.addHistory(line)
        guard let historyPath else { return }
        if history.count > historyLimit {
            history.removeFirst(history.count - historyLimit)
            try? AtomicFile.write(history.joined(separator: "\n") + "\n", to: historyPath)
            return
        }
        if let h = FileHandle(forWritingAtPath: historyPath) {
            h.seekToEndOfFile()
            h.write(Data((line + "\n").utf8))
            h.closeFile()
        } else {
            _ = FileManager.default.createFile(atPath: historyPath, contents: Data((line + "\n").utf8))
        }
    }
}

/// Starts the interactive REPL on standard input: readline editing when stdin is a terminal,
/// plain lines (no prompts) otherwise. Returns when input ends or on `:quit`.
///
/// This is the entry for `palm` with no arguments. `historyPath` defaults to `~/.palm_history`.
public func runREPL(historyPath: String? = REPL.defaultHistoryPath, interpreter: Interpreter = Interpreter()) {
    let repl = REPL(interpreter: interpreter, historyPath: historyPath)
    if isatty(0) != 0 {
        print("palm: type :help for commands, :quit to leave")
        repl.run(reader: ReadlineLineReader(repl: repl))
    } else {
        repl.run(reader: PlainLineReader())
    }
}
