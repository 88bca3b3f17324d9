import Foundation
import Reports
import ScriptCore
import Support

/// Runs a notebook's code cells without Jupyter, one cell at a time in one session as the
/// kernel runs them, and keeps what each gave as nbformat outputs, as `nbclient` would save
/// them: `stream` text (consecutive pieces of one stream joined), `display_data` (a progress
/// line updated in place keeps only its last state), `execute_result` and `error`. Like
/// `nbclient`, it stops at the first cell that fails; the cells after it keep no outputs.
/// `palm run notebook.ipynb --output run.ipynb` writes the result.
public enum NotebookExecution {
    /// `notebook` with every code cell it ran carrying its outputs and execution count, and
    /// the error that stopped it (nil when every cell ran): its kind (`ScriptError.Kind`'s raw
    /// value, e.g. `interrupted`) and its text with the caret excerpt. `echo` receives printed
    /// text as it happens (the terminal).
    public static func run(_ notebook: JupyterNotebook, interpreter: Interpreter, echo: ((String) -> Void)? = nil)
        -> (notebook: JupyterNotebook, error: (kind: String, rendered: String)?) {
        var out = notebook
        for i in out.cells.indices { out.cells[i].outputs = []; out.cells[i].executionCount = nil }
        let sink = NotebookOutputs(echo: echo)
        let runner = CellRunner(interpreter: interpreter, iopub: sink)
        for i in out.cells.indices where out.cells[i].kind == .code {
            sink.start()
            let reply = runner.execute(code: out.cells[i].source, silent: false, storeHistory: true, parent: [:])
            out.cells[i].outputs = sink.finish()
            out.cells[i].executionCount = runner.executionCount
            if reply["status"]?.stringValue == "error" {
                let lines = reply["traceback"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let rendered = lines.isEmpty ? reply["evalue"]?.stringValue ?? "error" : lines.joined(separator: "\n")
                return (out, (reply["ename"]?.stringValue ?? "error", rendered))
            }
        }
        return (out, nil)
    }
}

/// The iopub messages of one cell, collected as nbformat outputs.
public final class NotebookOutputs: CellOutputSink, @unchecked Sendable {
    private let lock = NSLock()
    private var outputs: [JSONValue] = []
    /// Where each live display (a progress bar) sits in `outputs`, by its display id.
    private var displays: [String: Int] = [:]
    private let echo: ((String) -> Void)?

    /// `echo` receives stdout text as it comes.
    public init(echo: ((String) -> Void)?) { self.echo = echo }

    /// Starts a cell: no outputs yet.
    public func start() { lock.withLock { outputs = []; displays = [:] } }

    /// The cell's outputs.
    public func finish() -> [JSONValue] { lock.withLock { outputs } }

    /// Takes one iopub message (`stream`, `display_data`, `update_display_data`,
    /// `execute_result`, `error`; others are not outputs).
    public func publish(_ type: String, _ content: JSONValue, parent: JSONValue) {
        lock.withLock {
            switch type {
            case "stream":
                let name = content["name"]?.stringValue ?? "stdout", text = content["text"]?.stringValue ?? ""
                if name == "stdout" { echo?(String(text.dropLast(text.hasSuffix("\n") ? 1 : 0))) }
                if case var .object(last)? = outputs.last, last["output_type"] == "stream", last["name"]?.stringValue == name {
                    last["text"] = .string((last["text"]?.stringValue ?? "") + text)
                    outputs[outputs.count - 1] = .object(last)
                } else {
                    outputs.append(["output_type": "stream", "name": .string(name), "text": .string(text)])
                }
            case "display_data", "update_display_data":
                let output: JSONValue = ["output_type": "display_data", "data": content["data"] ?? [:], "metadata": content["metadata"] ?? [:]]
                let id = content["transient"]?["display_id"]?.stringValue
                if let id, let at = displays[id] {
                    outputs[at] = output
                } else if type == "display_data" {
                    if let id { displays[id] = outputs.count }
                    outputs.append(output)
                }
            case "execute_result":
                outputs.append(["output_type": "execute_result", "execution_count": content["execution_count"] ?? .null,
                                "data": content["data"] ?? [:], "metadata": content["metadata"] ?? [:]])
            case "error":
                outputs.append(["output_type": "error", "ename": content["ename"] ?? "", "evalue": content["evalue"] ?? "",
                                "traceback": content["traceback"] ?? []])
            default:
                break  // execute_input, status: not outputs
            }
        }
    }
}
