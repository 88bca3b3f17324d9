@preconcurrency import CReadline
import Foundation
import Support

/// Where the REPL gets its input lines: GNU readline on a terminal, plain lines from a pipe or
/// file (and, in tests, a list of lines).
public protocol LineReader: AnyObject {
    /// The next line without its newline, or nil at end of input. `prompt` is shown only by
    /// interactive readers.
    func readLine(prompt: String) -> String?
    /// Offers a finished entry to the reader's own history (readline's up-arrow).
    func addHistory(_ line: String)
    /// True when Ctrl-C was pressed at the prompt before the last line was entered: the REPL
    /// drops any unfinished multi-line input gathered before it.
    var lineWasCancelled: Bool { get }
}

extension LineReader {
    public func addHistory(_ line: String) {}
    public var lineWasCancelled: Bool { false }
}

/// Lines from standard input without prompts or editing (stdin is not a terminal).
public final class PlainLineReader: LineReader {
    public init() {}
    public func readLine(prompt: String) -> String? { Swift.readLine(strippingNewline: true) }
}

// Readline calls back through C function pointers, which cannot capture context; the REPL
// being completed and the Ctrl-C state therefore live in globals. `nonisolated(unsafe)`: they
// are only touched on the thread running the REPL (readline's hooks run synchronously inside
// `readline()` on that thread), and there is at most one interactive REPL per process.
nonisolated(unsafe) var completingREPL: REPL?
nonisolated(unsafe) var completionCandidates: [String] = []
nonisolated(unsafe) var completionIndex = 0
nonisolated(unsafe) var readlineCancelled = false
/// The prompt readline redraws after Ctrl-C (a C string for the signal hook).
nonisolated(unsafe) let primaryPrompt = strdup(REPL.prompt)
/// `REPL.completionWordBreaks` as the C string readline keeps.
nonisolated(unsafe) let completionWordBreaks = strdup(REPL.completionWordBreaks)

/// Abandons the line being typed after Ctrl-C: echoes `^C`, clears the buffer and draws a
/// fresh primary prompt (the REPL then drops any unfinished multi-line entry).
private func cancelReadlineLine() {
    Interrupt.clear()
    readlineCancelled = true
    if let out = rl_outstream { fputs("^C", out) }
    rl_replace_line("", 0)
    rl_crlf()
    rl_set_prompt(primaryPrompt)
    rl_on_new_line()
    rl_redisplay()
}

/// GNU readline: line editing, history (up-arrow), tab completion; Ctrl-C at the prompt
/// abandons the line.
public final class ReadlineLineReader: LineReader {
    public private(set) var lineWasCancelled = false

    public init(repl: REPL) {
        completingREPL = repl
        rl_readline_name = UnsafePointer(strdup("palm"))
        rl_completer_word_break_characters = UnsafePointer(completionWordBreaks)
        rl_attempted_completion_function = { text, start, _ in
            rl_attempted_completion_over = 1  // never fall back to readline's file completion
            guard let text, let repl = completingREPL else { return nil }
            let line = rl_line_buffer.map { String(cString: $0) } ?? ""
            let prefix = String(decoding: line.utf8.prefix(Int(start)), as: UTF8.self)
            completionCandidates = repl.completions(word: String(cString: text), before: prefix)
            completionIndex = 0
            // A directory completes without a trailing space so the path can go on.
            if completionCandidates.count == 1, completionCandidates[0].hasSuffix("/") { rl_completion_append_character = 0 }
            return rl_completion_matches(text) { _, _ in
                guard completionIndex < completionCandidates.count else { return nil }
                defer { completionIndex += 1 }
                return strdup(completionCandidates[completionIndex])  // readline frees it
            }
        }
        // Ctrl-C at the prompt drops the typed text and starts a fresh prompt, as a shell
        // does. Readline's own signal handling only reports a signal that lands while it is
        // blocked in read(): one that arrives while it redraws is noticed after the next key.
        // So readline leaves SIGINT to our handler, and its input function waits with the
        // signal unblocked only inside ppoll, atomically, so no ^C can slip between the flag
        // check and the wait.
        rl_catch_signals = 0
        rl_getc_function = { stream in
            let fd = stream.map { fileno($0) } ?? 0
            var interrupt = sigset_t(), saved = sigset_t()
            sigemptyset(&interrupt)
            sigaddset(&interrupt, SIGINT)
            while true {
                pthread_sigmask(SIG_BLOCK, &interrupt, &saved)
                if Interrupt.requested {
                    pthread_sigmask(SIG_SETMASK, &saved, nil)
                    cancelReadlineLine()
                    continue
                }
                var waitMask = saved
                sigdelset(&waitMask, SIGINT)
                let ready = palm_wait_readable(fd, &waitMask)
                pthread_sigmask(SIG_SETMASK, &saved, nil)
                if ready < 0 {
                    if errno == EINTR { continue }
                    return EOF
                }
                var byte: UInt8 = 0
                let n = read(fd, &byte, 1)
                if n == 1 { return Int32(byte) }
                if n < 0, errno == EINTR || errno == EAGAIN { continue }
                return EOF
            }
        }
    }

    public func readLine(prompt: String) -> String? {
        readlineCancelled = false
        guard let p = readline(prompt) else { return nil }
        defer { free(p) }
        lineWasCancelled = readlineCancelled
        return String(cString: p)
    }

    public func addHistory(_ line: String) {
        add_history(line)
    }
}
