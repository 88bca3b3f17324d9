import Foundation
import REPL
import Reports
import ScriptCore
import Support

/// Where a cell's iopub messages go: the kernel's iopub socket, or a notebook's outputs when
/// `palm run notebook.ipynb --output` runs it without Jupyter (`NotebookOutputs`).
public protocol CellOutputSink: AnyObject, Sendable {
    func publish(_ type: String, _ content: JSONValue, parent: JSONValue)
}

/// Runs notebook cells in a REPL session (the REPL's interpreter, with whatever bindings the
/// executable registered) and turns what they give into iopub messages: printed text into
/// `stream`, `show(x)` into `display_data`, the cell's value into `execute_result` (MIME
/// bundles from `RichDisplay`), progress bars into one `display_data` line updated in place,
/// errors into `error` with the caret excerpt. A cell that is a REPL command (`:vars`,
/// `:help fit`) runs as in the terminal.
final class CellRunner: @unchecked Sendable {
    let repl: REPL
    private let iopub: CellOutputSink
    /// Cells run so far with `store_history` (the `In [n]` number).
    private(set) var executionCount = 0
    /// The inputs of this session with their execution counts, for `history_request`.
    private(set) var inputs: [(count: Int, code: String)] = []

    init(interpreter: Interpreter, iopub: CellOutputSink) {
        repl = REPL(interpreter: interpreter, historyPath: nil)
        self.iopub = iopub
    }

    /// What ran: the reply's content (status ok or error).
    func execute(code: String, silent: Bool, storeHistory: Bool, parent: JSONValue) -> JSONValue {
        let counted = storeHistory && !silent
        if counted {
            executionCount += 1
            inputs.append((executionCount, code))
        }
        let count = JSONValue.number(Double(executionCount))
        if !silent { iopub.publish("execute_input", ["code": .string(code), "execution_count": count], parent: parent) }
        let restore = attach(parent: parent, silent: silent)
        defer { restore() }
        // An interrupt that came while no cell ran must not stop this one.
        Interrupt.clear()
        do {
            let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasPrefix(":"), !trimmed.contains("\n") {
                _ = repl.command(trimmed)
            } else {
                switch try repl.evaluate(code) {
                case .nothing: break
                case let .help(text):
                    if !silent { iopub.publish("stream", ["name": "stdout", "text": .string(text + "\n")], parent: parent) }
                case let .value(value):
                    if !silent {
                        iopub.publish("execute_result", ["execution_count": count, "data": Self.data(value), "metadata": [:]], parent: parent)
                    }
                }
            }
            return ["status": "ok", "execution_count": count, "user_expressions": [:], "payload": []]
        } catch {
            let e = error as? ScriptError ?? ScriptError.runtime("\(error)")
            let content: JSONValue = [
                "ename": .string(e.kind.rawValue), "evalue": .string(e.message),
                "traceback": .array(e.rendered.split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) }),
            ]
            if !silent { iopub.publish("error", content, parent: parent) }
            guard case var .object(reply) = content else { return content }
            reply["status"] = "error"
            reply["execution_count"] = count
            return .object(reply)
        }
    }

    /// A value's MIME bundle as JSON.
    static func data(_ value: Value) -> JSONValue {
        .object(RichDisplay.bundle(for: value).mapValues { .string($0) })
    }

    /// Points the session's printed text, shown values and progress at iopub messages that
    /// are children of `parent` (nowhere when `silent`); returns what restores the sinks.
    private func attach(parent: JSONValue, silent: Bool) -> () -> Void {
        let interpreter = repl.interpreter
        let savedOutput = repl.output, savedError = repl.errorOutput, savedDisplay = interpreter.display, savedProgress = interpreter.progress
        let iopub = self.iopub
        func stream(_ name: String) -> (String) -> Void {
            silent ? { _ in } : { text in iopub.publish("stream", ["name": .string(name), "text": .string(text + "\n")], parent: parent) }
        }
        repl.output = stream("stdout")
        repl.errorOutput = stream("stderr")
        interpreter.display = silent ? { _ in } : { value in
            iopub.publish("display_data", ["data": Self.data(value), "metadata": [:], "transient": [:]], parent: parent)
        }
        let progress = ProgressDisplay(iopub: iopub, parent: parent)
        interpreter.progress = silent ? { _, _ in } : { line, final in progress.show(line, final: final) }
        return { [repl] in
            repl.output = savedOutput
            repl.errorOutput = savedError
            interpreter.display = savedDisplay
            interpreter.progress = savedProgress
        }
    }
}

/// Progress bars of one cell as display lines updated in place: a bar's first line is a
/// `display_data` with a fresh `display_id`, each later line an `update_display_data` of it;
/// after its final line the next bar starts a new display. Lines come from the cell's thread
/// and from a bar's timer, hence the lock.
final class ProgressDisplay: @unchecked Sendable {
    private let iopub: CellOutputSink
    private let parent: JSONValue
    private let lock = NSLock()
    private var current: String?

    init(iopub: CellOutputSink, parent: JSONValue) {
        self.iopub = iopub
        self.parent = parent
    }

    func show(_ line: String, final: Bool) {
        lock.withLock {
            let id = current ?? "palm-progress-\(UUID().uuidString.lowercased())"
            let content: JSONValue = ["data": ["text/plain": .string(line)], "metadata": [:], "transient": ["display_id": .string(id)]]
            iopub.publish(current == nil ? "display_data" : "update_display_data", content, parent: parent)
            current = final ? nil : id
        }
    }
}
