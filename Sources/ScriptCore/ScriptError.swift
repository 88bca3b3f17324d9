import Foundation

/// A script's text with its name, kept so every error can show the offending line.
public final class SourceFile: @unchecked Sendable {
    /// The name shown in messages (`file.palm`, `<repl>`).
    public let name: String
    /// The whole text, as characters (columns count characters, not bytes).
    public let chars: [Character]
    /// The text split into lines (no terminators).
    public let lines: [String]

    public init(name: String, text: String) {
        self.name = name
        chars = Array(text)
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
    }
}

/// A position in a `SourceFile`: 1-based line and column.
public struct SourceLocation: CustomStringConvertible, Sendable {
    public let file: SourceFile
    public let line: Int
    public let column: Int

    public init(file: SourceFile, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`.
    public var description: String { "\(file.name):\(line):\(column)" }

    /// Characters of a source line an excerpt shows at most: a longer line (generated code, a
    /// long list literal) is shown as a window of this width around the column.
    public static let excerptWidth = 100

    /// The source line and a caret under the column. A line longer than `excerptWidth` is cut
    /// to a window around the column, with "…" where text was left out.
    public var excerpt: String {
        guard line >= 1, line <= file.lines.count else { return "" }
        let text = Array(file.lines[line - 1])
        // The caret may sit one past the end (an error at the end of the line).
        let caret = min(max(0, column - 1), text.count)
        var start = 0, end = text.count
        if text.count > Self.excerptWidth {
            start = max(0, min(caret - Self.excerptWidth / 2, text.count - Self.excerptWidth))
            end = start + Self.excerptWidth
        }
        let shown = (start > 0 ? "…" : "") + String(text[start..<end]) + (end < text.count ? "…" : "")
        // Keep tabs in the padding so the caret lines up under tab-indented code; the leading
        // "…" is one column wide.
        let pad = (start > 0 ? " " : "") + text[start..<caret].map { $0 == "\t" ? "\t" : " " }.joined()
        return "    \(shown)\n    \(pad)^"
    }
}

/// One entry of the script call stack shown with runtime errors.
public struct StackFrame: Sendable {
    /// The function's name (`<script>` for top level, `<fn>` for anonymous functions).
    public let function: String
    /// Where the call happened (the call site), or nil for the outermost frame.
    public let callSite: SourceLocation?

    /// `in f called at file.palm:3:5`.
    var rendered: String { "in \(function)" + (callSite.map { " called at \($0)" } ?? "") }
}

/// Every error a script can raise: syntax errors from the lexer and parser, runtime and type
/// errors from the interpreter, and interruption by Ctrl-C.
///
/// `rendered` gives the full report (`file:line:col: error: message`, the line and a caret,
/// then the call stack innermost first); `message` alone is what `catch(f)` returns.
public struct ScriptError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        case syntax = "syntax error"
        case runtime = "error"
        case type = "type error"
        case interrupted = "interrupted"
    }

    public var kind: Kind
    public var message: String
    public var location: SourceLocation?
    /// Innermost first; filled in as the error unwinds through calls.
    public var stack: [StackFrame] = []
    /// The input ended too early (an unclosed bracket, a trailing operator): the REPL reads a
    /// continuation line instead of reporting it.
    public var isIncompleteInput = false

    public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
    }

    /// A type error that says what was expected and what was found.
    public static func type(expected: String, found: Value, context: String, at location: SourceLocation? = nil) -> ScriptError {
        ScriptError(.type, "\(context): expected \(expected), found \(found.typeName)", at: location)
    }

    /// The message of an `.interrupted` error raised by Ctrl-C. The kind is rendered first
    /// ("interrupted: "), so a message never repeats the word.
    public static let ctrlC = "stopped by Ctrl-C"

    /// A runtime error without a location yet (the interpreter attaches the call site).
    public static func runtime(_ message: String) -> ScriptError { ScriptError(.runtime, message) }

    public var description: String { rendered }

    /// The full multi-line report.
    public var rendered: String {
        var out = ""
        if let location { out += "\(location): " }
        out += "\(kind.rawValue): \(message)"
        if let location, !location.excerpt.isEmpty { out += "\n" + location.excerpt }
        // A runaway recursion repeats one frame (or a cycle of a few, for mutual recursion)
        // thousands of times: show the cycle once, with a count.
        let lines = stack.map(\.rendered)
        var i = 0
        while i < lines.count {
            var shown = false
            for period in 1...4 where i + 3 * period <= lines.count {
                var repeats = 1
                while i + (repeats + 1) * period <= lines.count,
                      (0..<period).allSatisfy({ lines[i + repeats * period + $0] == lines[i + $0] }) {
                    repeats += 1
                }
                guard repeats >= 3 else { continue }
                for line in lines[i..<(i + period)] { out += "\n  " + line }
                out += "\n  ... the same \(period == 1 ? "call" : "\(period) calls") \(repeats - 1) more times"
                i += repeats * period
                shown = true
                break
            }
            if !shown {
                out += "\n  " + lines[i]
                i += 1
            }
        }
        return out
    }
}
