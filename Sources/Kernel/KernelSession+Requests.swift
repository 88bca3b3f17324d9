import Foundation
import REPL
import Reports
import ScriptCore
import Support

// The requests the kernel answers, on shell and control alike (the protocol lets a client send
// `kernel_info`, `shutdown` and `interrupt` on either).

extension KernelSession {
    /// The reply type and content for `request`; nil for a type palm does not know (logged).
    func handle(_ request: WireMessage) -> (String, JSONValue)? {
        let c = request.content
        switch request.type {
        case "kernel_info_request":
            return ("kernel_info_reply", KernelInfo.content)
        case "execute_request":
            let code = c["code"]?.stringValue ?? ""
            let content = runner.execute(code: code, silent: c["silent"]?.boolValue ?? false,
                                         storeHistory: c["store_history"]?.boolValue ?? true, parent: request.header)
            return ("execute_reply", content)
        case "complete_request":
            let code = c["code"]?.stringValue ?? ""
            let cursor = c["cursor_pos"]?.intValue ?? code.unicodeScalars.count
            let (start, matches) = runner.repl.completions(in: code, cursor: cursor)
            return ("complete_reply", ["status": "ok", "matches": .array(matches.map { .string($0) }),
                                       "cursor_start": .number(Double(start)), "cursor_end": .number(Double(cursor)), "metadata": [:]])
        case "inspect_request":
            let code = c["code"]?.stringValue ?? ""
            let name = Self.name(in: code, at: c["cursor_pos"]?.intValue ?? code.unicodeScalars.count)
            let text = name.isEmpty ? nil : runner.repl.interpreter.helpText(topic: name)
            let found = text.map { !$0.hasPrefix("no help for") } ?? false
            return ("inspect_reply", ["status": "ok", "found": .bool(found),
                                      "data": found ? ["text/plain": .string(text ?? "")] : [:], "metadata": [:]])
        case "is_complete_request":
            switch runner.repl.inputStatus(c["code"]?.stringValue ?? "") {
            case .complete: return ("is_complete_reply", ["status": "complete"])
            case .incomplete: return ("is_complete_reply", ["status": "incomplete", "indent": "  "])
            case .invalid: return ("is_complete_reply", ["status": "invalid"])
            }
        case "history_request":
            return ("history_reply", ["status": "ok", "history": .array(history(c).map { [1, .number(Double($0.count)), .string($0.code)] })])
        case "comm_info_request":
            return ("comm_info_reply", ["status": "ok", "comms": [:]])
        case "interrupt_request":
            // The flag Ctrl-C raises: the running cell stops at its next check.
            Interrupt.flag = 1
            log("interrupt requested")
            return ("interrupt_reply", ["status": "ok"])
        case "shutdown_request":
            return ("shutdown_reply", ["status": "ok", "restart": .bool(c["restart"]?.boolValue ?? false)])
        default:
            log("no handler for a message of type '\(request.type)'")
            return nil
        }
    }

    /// The inputs a `history_request` asks for: the last `n` (`tail`), the lines from `start`
    /// to `stop` (`range`), or those matching a glob `pattern` (`search`).
    private func history(_ c: JSONValue) -> [(count: Int, code: String)] {
        let all = runner.inputs
        switch c["hist_access_type"]?.stringValue ?? "tail" {
        case "range":
            let start = c["start"]?.intValue ?? 1, stop = c["stop"]?.intValue ?? Int.max
            return all.filter { $0.count >= start && $0.count < stop }
        case "search":
            let pattern = c["pattern"]?.stringValue ?? "*"
            let found = all.filter { fnmatch(pattern, $0.code, 0) == 0 }
            return c["n"]?.intValue.map { Array(found.suffix($0)) } ?? found
        default:
            return c["n"]?.intValue.map { Array(all.suffix($0)) } ?? all
        }
    }

    /// The dotted name around `cursor` (in Unicode scalars, as Jupyter counts): what `help`
    /// is asked about (`fit`, `tensor.sum`, `m.embed_audio`).
    static func name(in code: String, at cursor: Int) -> String {
        let scalars = Array(code.unicodeScalars)
        func isNamePart(_ s: Unicode.Scalar) -> Bool { s == "_" || s == "." || CharacterSet.alphanumerics.contains(s) }
        var start = min(max(0, cursor), scalars.count), end = start
        while start > 0, isNamePart(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, isNamePart(scalars[end]) { end += 1 }
        var name = String(String.UnicodeScalarView(scalars[start..<end]))
        while name.hasPrefix(".") { name.removeFirst() }
        while name.hasSuffix(".") { name.removeLast() }
        return name
    }
}

/// What `kernel_info_reply` says about palm.
enum KernelInfo {
    /// The kernel's own version: changes when what it sends changes.
    static let implementationVersion = "1.0"

    static var content: JSONValue {
        [
            "status": "ok",
            "protocol_version": .string(WireMessage.protocolVersion),
            "implementation": "palm",
            "implementation_version": .string(implementationVersion),
            "language_info": JupyterNotebook.languageInfo,
            "banner": "palm: few-shot prompt learning on audio-language models (help, :help topic)",
            "help_links": [],
            "debugger": false,
        ]
    }
}
