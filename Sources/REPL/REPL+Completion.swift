import Foundation
import ScriptCore

// Tab completion, independent of readline so it can be tested directly: names and keywords,
// fields and methods after `.`, keyword arguments inside a call, file paths inside a string.

extension REPL {
    /// Completions of `word` (the text being completed, as split by readline) given the line
    /// before it. Each candidate replaces the whole word.
    public func completions(word: String, before: String) -> [String] {
        if insideString(before) { return pathCompletions(word) }
        // `:load` and `:save` take a bare path.
        let trimmed = before.trimmingCharacters(in: .whitespaces)
        if trimmed == ":load" || trimmed == ":save" { return pathCompletions(word) }
        if before.trimmingCharacters(in: .whitespaces).isEmpty, word.hasPrefix(":") {
            return REPL.commands.filter { $0.hasPrefix(word) }
        }
        if let dot = word.lastIndex(of: ".") {
            let object = String(word[..<dot]), partial = String(word[word.index(after: dot)...])
            guard let value = resolve(object) else { return [] }
            return memberNames(of: value).filter { $0.hasPrefix(partial) }.map { "\(object).\($0)" }
        }
        var names = Set(interpreter.globals.allNames.filter { !$0.hasPrefix("_") || word.hasPrefix("_") })
        names.formUnion(Lexer.keywordNames)
        var out = names.filter { $0.hasPrefix(word) }.sorted()
        // Keyword arguments of the innermost open call come first.
        if let callee = openCallee(before) {
            let labels = parameterNames(of: callee).filter { $0.hasPrefix(word) }.map { $0 + ":" }
            out = labels + out
        }
        return out
    }

    /// The characters that end the word being completed (readline's word breaks): not `.`
    /// (so `t.su` completes as a member) and not `/` or `~` (so paths complete whole).
    public static let completionWordBreaks = " \t\n\"'`@$><=;|&{(,[+-*^%!"

    /// Completions at `cursor` in `text`, which may hold several lines; positions count
    /// Unicode scalars (as Jupyter's do). The word before the cursor (back to a word break) is
    /// completed with the text of its line before it as context, as readline does in the
    /// terminal. Returns where the word starts and the candidates, each replacing the word.
    public func completions(in text: String, cursor: Int) -> (start: Int, candidates: [String]) {
        let scalars = Array(text.unicodeScalars)
        let breaks = Set(REPL.completionWordBreaks.unicodeScalars)
        let end = min(max(0, cursor), scalars.count)
        var start = end
        while start > 0, !breaks.contains(scalars[start - 1]) { start -= 1 }
        var lineStart = start
        while lineStart > 0, scalars[lineStart - 1] != "\n" { lineStart -= 1 }
        func string(_ r: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[r])) }
        return (start, completions(word: string(start..<end), before: string(lineStart..<start)))
    }

    static let commands = [":help", ":vars", ":load", ":time", ":history", ":save", ":reset", ":report", ":quit"]

    /// True when an odd number of unescaped quotes precede the cursor.
    private func insideString(_ s: String) -> Bool {
        var inside = false, escaped = false
        for c in s {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true } else if c == "\"" { inside.toggle() }
        }
        return inside
    }

    /// Files and directories starting with `word` (`~` expanded for the lookup but kept in the
    /// candidate); directories end in `/`.
    private func pathCompletions(_ word: String) -> [String] {
        let slash = word.lastIndex(of: "/")
        let dirPart = slash.map { String(word[...$0]) } ?? ""
        let namePart = slash.map { String(word[word.index(after: $0)...]) } ?? word
        let dir = dirPart.isEmpty ? "." : (dirPart as NSString).expandingTildeInPath
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return entries.filter { $0.hasPrefix(namePart) && (namePart.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { name in
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(name), isDirectory: &isDir)
            return dirPart + name + (isDir.boolValue ? "/" : "")
        }
    }

    /// The value of a dotted name path (`a`, `a.b`), reading fields only (never calling).
    private func resolve(_ path: String) -> Value? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, var value = interpreter.globals.lookup(first) else { return nil }
        for p in parts.dropFirst() {
            guard let v = try? fieldForCompletion(value, p) else { return nil }
            value = v
        }
        return value
    }

    private func fieldForCompletion(_ v: Value, _ name: String) throws -> Value? {
        try interpreter.fieldValue(of: v, name)
    }

    /// Field and method names of a value.
    func memberNames(of v: Value) -> [String] { interpreter.memberNames(of: v) }

    /// The callee text of the innermost unclosed `(` (`zeros`, `t.sum`), if any.
    private func openCallee(_ before: String) -> String? {
        var depth = 0
        let chars = Array(before)
        var i = chars.count - 1
        while i >= 0 {
            let c = chars[i]
            if c == ")" { depth += 1 } else if c == "(" {
                if depth == 0 { break }
                depth -= 1
            }
            i -= 1
        }
        guard i > 0 else { return nil }
        var j = i - 1
        while j >= 0, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "." { j -= 1 }
        let name = String(chars[(j + 1)..<i])
        return name.isEmpty ? nil : name
    }

    /// Parameter names of a callee path: a built-in, a method, or a script function.
    private func parameterNames(of callee: String) -> [String] {
        var value: Value?
        if let dot = callee.lastIndex(of: ".") {
            let object = resolve(String(callee[..<dot]))
            let method = String(callee[callee.index(after: dot)...])
            if let object { value = try? interpreter.field(of: object, method) }
        } else {
            value = interpreter.globals.lookup(callee)
        }
        guard case let .function(f)? = value else { return [] }
        if let b = f as? Builtin { return b.doc.params.map(\.name) }
        if let c = f as? Closure { return c.decl.parameters.map(\.name) }
        return []
    }
}
