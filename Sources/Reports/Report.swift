import Foundation
import ScriptCore
import Support

// Notebook-style reports: a script's cells (title, `#'` prose, code) with what each produced
// (printed text, tables, plots), written as HTML (ReportWriter+HTML.swift) or Markdown
// (ReportWriter+Markdown.swift). `palm run script.palm --report out.html` and the REPL's
// `:report file.html` make them.

/// A host object that shows as tables and plots in a report (and the REPL's `:report`):
/// results, evaluations, plots and tables. Anything else shows as its text.
public protocol ReportPresentable: HostObject {
    var reportItems: [Report.Item] { get }
}

/// A table for reports: results and evaluations render as one.
public struct ReportTable: Sendable, Equatable {
    public var caption: String
    public var header: [String]
    public var rows: [[String]]
    public init(caption: String = "", header: [String], rows: [[String]]) {
        self.caption = caption
        self.header = header
        self.rows = rows
    }

    /// A table from Markdown table lines (`| a | b |`, the alignment row skipped).
    public init?(markdown: String, caption: String = "") {
        let lines = markdown.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("|") }
        func cells(_ l: String) -> [String] { l.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
        guard lines.count >= 2 else { return nil }
        self.init(caption: caption, header: cells(lines[0]), rows: lines.dropFirst(2).map(cells))
    }
}

/// What a report holds: cells in order, each with what it produced.
public struct Report {
    /// One thing a cell produced, in order.
    public enum Item {
        case text(String)
        case table(ReportTable)
        case plot(Plot)
    }

    public struct Cell {
        public var title: String?
        /// Markdown prose lines.
        public var prose: [String]
        public var code: String
        public var items: [Item]
        /// The error that stopped the run here, rendered (`file:line:col: error: ...`).
        public var error: String?
        public init(title: String?, prose: [String], code: String, items: [Item] = [], error: String? = nil) {
            self.title = title; self.prose = prose; self.code = code; self.items = items; self.error = error
        }
    }

    public var title: String
    public var cells: [Cell]
    public init(title: String, cells: [Cell] = []) {
        self.title = title
        self.cells = cells
    }

    /// How a value shows in a report: what a `ReportPresentable` host object presents (tables,
    /// plots), text (its `repr`) for anything else.
    public static func items(for value: Value) -> [Item] {
        if case let .host(h) = value, let p = h as? ReportPresentable { return p.reportItems }
        return [.text(value.repr)]
    }

    /// Writes the report: Markdown for `.md`/`.markdown` paths (plots as SVG files beside it),
    /// HTML otherwise.
    public func write(to path: String) throws {
        let path = (path as NSString).expandingTildeInPath
        let ext = (path as NSString).pathExtension.lowercased()
        try AtomicFile.write(ext == "md" || ext == "markdown" ? markdown(assetsDirectory: path) : html(), to: path)
    }
}

/// Captures what an interpreter prints and shows while a report cell runs.
public final class ReportRecorder {
    public init() {}
    private(set) var items: [Report.Item] = []
    private var pendingText: [String] = []

    /// Starts capturing `interpreter`'s output and `show` (forwarding printed text to `echo`);
    /// returns a function that restores the previous sinks.
    public func attach(to interpreter: Interpreter, echo: ((String) -> Void)?) -> () -> Void {
        let savedOutput = interpreter.output, savedDisplay = interpreter.display
        interpreter.output = { [unowned self] text in
            self.pendingText.append(text)
            echo?(text)
        }
        interpreter.display = { [unowned self] value in
            self.add(value)
            if let echo { echo(value.displayString) }
        }
        return {
            interpreter.output = savedOutput
            interpreter.display = savedDisplay
        }
    }

    /// Adds a value (as a table, plot or text).
    public func add(_ value: Value) {
        for item in Report.items(for: value) {
            if case let .text(t) = item { pendingText.append(t) } else { flushText(); items.append(item) }
        }
    }

    /// Ends the cell; returns its items (consecutive text joined).
    public func finish() -> [Report.Item] {
        flushText()
        defer { items = [] }
        return items
    }

    private func flushText() {
        if !pendingText.isEmpty { items.append(.text(pendingText.joined(separator: "\n"))) }
        pendingText = []
    }
}

extension Notebook {
    /// Runs the cells in order in `interpreter` and collects a report: each cell's printed text,
    /// shown values and the value of its last expression (tables and plots rendered as such).
    /// Stops after the first cell that fails (the report shows its error). `echo` receives
    /// printed text as it happens (the terminal, for `palm run`).
    public func report(in interpreter: Interpreter, title: String, echo: ((String) -> Void)? = nil) -> (report: Report, error: ScriptError?) {
        var report = Report(title: title)
        let recorder = ReportRecorder()
        for cell in cells {
            let restore = recorder.attach(to: interpreter, echo: echo)
            var failure: ScriptError?
            do {
                if let v = try interpreter.run(cell.statements), !v.isNil { recorder.add(v) }
            } catch {
                failure = error as? ScriptError ?? ScriptError.runtime("\(error)")
            }
            restore()
            report.cells.append(Report.Cell(title: cell.title, prose: cell.prose, code: cell.code, items: recorder.finish(), error: failure?.rendered))
            if let failure { return (report, failure) }
        }
        return (report, nil)
    }
}

/// Runs a `.palm` file as a notebook and, when `report` is given, writes a report of it (HTML,
/// or Markdown for `.md`): each `#%%` cell's title, `#'` prose, code, printed output, tables
/// and plots (SVG). Printed text also goes to stdout as it happens; errors go to stderr and
/// into the report. A Jupyter notebook (`.ipynb`) runs the same way, as the script
/// `JupyterNotebook.script()` makes of it (error locations are lines of that script).
/// `arguments` and `options` are the script's `args` and `options` (see
/// `runScript(path:arguments:options:interpreter:)`). Returns 0 on success, 1 on an error (the
/// report is still written, up to the failing cell), 130 when interrupted.
///
/// This is the entry for `palm run script.palm --report out.html|out.md` and `palm run
/// notebook.ipynb [--report out.html]`.
@discardableResult
public func runScript(path: String, arguments: [String] = [], options: [(String, Value)] = [], report reportPath: String?,
                      interpreter: Interpreter = Interpreter()) -> Int32 {
    let isNotebook = (path as NSString).pathExtension.lowercased() == "ipynb"
    guard reportPath != nil || isNotebook else { return runScript(path: path, arguments: arguments, options: options, interpreter: interpreter) }
    let expanded = (path as NSString).expandingTildeInPath
    let outcome: (report: Report, error: ScriptError?)
    do {
        let text = isNotebook ? try JupyterNotebook(path: expanded).script() : try TextFile.read(expanded, role: "script")
        interpreter.prepareRun(of: expanded, arguments: arguments, options: options)
        // Parsed, run and released on a script thread, as `Interpreter.run` does.
        outcome = try ScriptThread.run {
            try Notebook(file: SourceFile(name: path, text: text)).report(in: interpreter, title: (path as NSString).lastPathComponent) { print($0) }
        }
    } catch {
        FileHandle.standardError.write(Data("\((error as? ScriptError)?.rendered ?? "error: \(error)")\n".utf8))
        return 1
    }
    let (report, failure) = outcome
    if let failure { FileHandle.standardError.write(Data((failure.rendered + "\n").utf8)) }
    if let reportPath {
        do {
            try report.write(to: reportPath)
            print("report written to \(reportPath)")  // a result: stdout, as the printed text
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            return 1
        }
    }
    guard let failure else { return 0 }
    return failure.kind == .interrupted ? 130 : 1
}
