import Foundation

// The lexer (Lua's llex, clox's scanner): turns characters into tokens.
//
// Newlines end statements, except inside `(...)` and `[...]`, where they are only whitespace
// (so a long call can span lines). Inside `{...}` they still separate statements. `#` starts a
// comment to the end of the line; the notebook markers `#%%` and `#'` are comments too (the
// `Notebook` reads them from the lines). A string holds `\(expr)` interpolations, which the
// lexer keeps as source ranges for the parser to parse in place, so errors inside them point
// at the right column.

/// What a token is.
public enum TokenKind: Equatable, Sendable {
    case number, string, identifier
    // Keywords.
    case fn, `if`, `else`, `for`, `in`, `while`, `return`, `break`, `continue`, `true`, `false`, `nil`, and, or, not
    // Punctuation and operators.
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, dot, colon, semicolon, newline
    case plus, minus, star, slash, percent, caret, at
    case equal, equalEqual, bangEqual, less, lessEqual, greater, greaterEqual, bang
    case plusEqual, minusEqual, starEqual, slashEqual
    case dotDotLess, dotDotDot
    case eof
}

/// One piece of a string literal: literal text, or the source range of a `\(expr)`.
public enum StringPart: Sendable {
    case text(String)
    /// Character offsets `start..<end` in the file, and the position of `start`.
    case code(start: Int, end: Int, line: Int, column: Int)
}

/// A token with its text and position.
public struct Token: Sendable {
    public let kind: TokenKind
    public let text: String
    public let location: SourceLocation
    /// For `.number`.
    public var number: Double = 0
    /// For `.string`.
    public var parts: [StringPart] = []
}

/// Scans a range of a `SourceFile` into tokens.
public struct Lexer {
    /// The reserved words (for completion and highlighting).
    public static var keywordNames: [String] { Array(keywords.keys) }

    static let keywords: [String: TokenKind] = [
        "fn": .fn, "if": .if, "else": .else, "for": .for, "in": .in, "while": .while,
        "return": .return, "break": .break, "continue": .continue, "true": .true, "false": .false,
        "nil": .nil, "and": .and, "or": .or, "not": .not,
    ]

    let file: SourceFile
    let chars: [Character]
    var index: Int
    let end: Int
    var line: Int
    var column: Int
    /// Open brackets; newlines count only when empty or when the innermost is `{`.
    var brackets: [Character] = []
    /// Where each open bracket is, for "unclosed '('" errors.
    var bracketLocations: [SourceLocation] = []

    /// A lexer over the whole file.
    public init(file: SourceFile) {
        self.init(file: file, start: 0, end: file.chars.count, line: 1, column: 1)
    }

    /// A lexer over `start..<end` (used for interpolations), starting at `line:column`.
    init(file: SourceFile, start: Int, end: Int, line: Int, column: Int) {
        self.file = file
        chars = file.chars
        index = start
        self.end = end
        self.line = line
        self.column = column
    }

    /// All tokens, ending with `.eof`. Throws a syntax error for an unknown character or an
    /// unterminated string.
    public mutating func tokenize() throws -> [Token] {
        var tokens: [Token] = []
        while true {
            let t = try next()
            // Collapse runs of newlines, and drop a newline right at the start.
            if t.kind == .newline, tokens.last?.kind == .newline || tokens.isEmpty { continue }
            if t.kind == .eof {
                // Report "found end of input" just after the last token, not on a blank line
                // below it, so the caret lands where the missing text belongs.
                if let last = tokens.last(where: { $0.kind != .newline }), !last.text.contains("\n") {
                    let at = SourceLocation(file: file, line: last.location.line, column: last.location.column + last.text.count)
                    tokens.append(Token(kind: .eof, text: "", location: at))
                } else {
                    tokens.append(t)
                }
                return tokens
            }
            tokens.append(t)
        }
    }

    private var peek: Character? { index < end ? chars[index] : nil }
    private func peek(_ k: Int) -> Character? { index + k < end ? chars[index + k] : nil }

    private mutating func advance() -> Character {
        let c = chars[index]
        index += 1
        if c == "\n" { line += 1; column = 1 } else { column += 1 }
        return c
    }

    private func here() -> SourceLocation { SourceLocation(file: file, line: line, column: column) }

    private mutating func next() throws -> Token {
        // A newline inside `(...)` or `[...]` is whitespace: skip it here, in a loop (a script of
        // a million such newlines must not recurse a million times).
        while true {
            skipSpaceAndComments()
            guard peek == "\n", !brackets.isEmpty, brackets.last != "{" else { break }
            _ = advance()
        }
        let start = here()
        let startIndex = index
        guard let c = peek else {
            if let open = brackets.last, let at = bracketLocations.last {
                var e = ScriptError(.syntax, "unclosed '\(open)'", at: at)
                e.isIncompleteInput = true
                throw e
            }
            return Token(kind: .eof, text: "", location: start)
        }
        func make(_ kind: TokenKind) -> Token {
            Token(kind: kind, text: String(chars[startIndex..<index]), location: start)
        }
        if c == "\n" {
            _ = advance()
            return make(.newline)
        }
        if c.isNumber && c.isASCII { return try number(start) }
        if c.isLetter || c == "_" {
            while let d = peek, d.isLetter || d.isNumber || d == "_" { _ = advance() }
            let text = String(chars[startIndex..<index])
            return Token(kind: Lexer.keywords[text] ?? .identifier, text: text, location: start)
        }
        if c == "\"" { return try string(start) }
        _ = advance()
        switch c {
        case "(", "[", "{":
            brackets.append(c)
            bracketLocations.append(start)
            return make(c == "(" ? .leftParen : c == "[" ? .leftBracket : .leftBrace)
        case ")", "]", "}":
            // A stray closer is the parser's to report; just keep the stack sane.
            if !brackets.isEmpty { brackets.removeLast(); bracketLocations.removeLast() }
            return make(c == ")" ? .rightParen : c == "]" ? .rightBracket : .rightBrace)
        case ",": return make(.comma)
        case ":": return make(.colon)
        case ";": return make(.semicolon)
        case "%": return make(.percent)
        case "^": return make(.caret)
        case "@": return make(.at)
        case ".":
            if peek == ".", peek(1) == "<" { _ = advance(); _ = advance(); return make(.dotDotLess) }
            if peek == ".", peek(1) == "." { _ = advance(); _ = advance(); return make(.dotDotDot) }
            return make(.dot)
        case "+": return make(match("=") ? .plusEqual : .plus)
        case "-": return make(match("=") ? .minusEqual : .minus)
        case "*": return make(match("=") ? .starEqual : .star)
        case "/": return make(match("=") ? .slashEqual : .slash)
        case "=": return make(match("=") ? .equalEqual : .equal)
        case "!": return make(match("=") ? .bangEqual : .bang)
        case "<": return make(match("=") ? .lessEqual : .less)
        case ">": return make(match("=") ? .greaterEqual : .greater)
        default:
            throw ScriptError(.syntax, "unexpected character '\(c)'", at: start)
        }
    }

    private mutating func match(_ c: Character) -> Bool {
        if peek == c { _ = advance(); return true }
        return false
    }

    private mutating func skipSpaceAndComments() {
        while let c = peek {
            if c == " " || c == "\t" || c == "\r" { _ = advance() }
            else if c == "\\", peek(1) == "\n" { _ = advance(); _ = advance() }  // explicit line continuation
            else if c == "#" { while let d = peek, d != "\n" { _ = advance() } }
            else { return }
        }
    }

    /// number := digits ('.' digits)? (('e'|'E') ('+'|'-')? digits)?
    private mutating func number(_ start: SourceLocation) throws -> Token {
        let startIndex = index
        while let d = peek, d.isASCII, d.isNumber || d == "_" { _ = advance() }
        // `1..<3` is a range, not `1.` followed by `.<`.
        if peek == ".", let d = peek(1), d.isASCII, d.isNumber { _ = advance(); while let d = peek, d.isASCII, d.isNumber { _ = advance() } }
        if peek == "e" || peek == "E" {
            let save = (index, line, column)
            _ = advance()
            if peek == "+" || peek == "-" { _ = advance() }
            if let d = peek, d.isASCII, d.isNumber {
                while let d = peek, d.isASCII, d.isNumber { _ = advance() }
            } else {
                (index, line, column) = save
            }
        }
        let text = String(chars[startIndex..<index])
        guard let value = Double(text.replacingOccurrences(of: "_", with: "")) else {
            throw ScriptError(.syntax, "malformed number '\(text)'", at: start)
        }
        var t = Token(kind: .number, text: text, location: start)
        t.number = value
        return t
    }

    /// string := '"' (char | escape | '\(' expr ')')* '"'
    private mutating func string(_ start: SourceLocation) throws -> Token {
        let startIndex = index
        _ = advance()  // opening quote
        var parts: [StringPart] = []
        var text = ""
        while true {
            guard let c = peek, c != "\n" else { throw ScriptError(.syntax, "unterminated string", at: start) }
            _ = advance()
            if c == "\"" { break }
            if c != "\\" { text.append(c); continue }
            guard let e = peek, e != "\n" else { throw ScriptError(.syntax, "unterminated string", at: start) }
            let escapeLocation = here()
            _ = advance()
            switch e {
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            case "0": text.append("\0")
            case "\"": text.append("\"")
            case "\\": text.append("\\")
            case "(":
                if !text.isEmpty { parts.append(.text(text)); text = "" }
                let codeStart = index, codeLine = line, codeColumn = column
                var depth = 1
                // Find the matching `)`, skipping nested strings so `")"` inside does not count.
                while depth > 0 {
                    guard let d = peek, d != "\n" else { throw ScriptError(.syntax, "unterminated interpolation", at: escapeLocation) }
                    if d == "\"" {
                        _ = advance()
                        while let s = peek, s != "\"", s != "\n" { if s == "\\" { _ = advance() }; if peek != nil, peek != "\n" { _ = advance() } }
                        guard peek == "\"" else { throw ScriptError(.syntax, "unterminated string in interpolation", at: escapeLocation) }
                        _ = advance()
                        continue
                    }
                    if d == "(" { depth += 1 } else if d == ")" { depth -= 1 }
                    if depth > 0 { _ = advance() }
                }
                if index == codeStart { throw ScriptError(.syntax, "empty interpolation", at: escapeLocation) }
                parts.append(.code(start: codeStart, end: index, line: codeLine, column: codeColumn))
                _ = advance()  // the closing paren
            default:
                throw ScriptError(.syntax, "unknown escape '\\\(e)'", at: escapeLocation)
            }
        }
        if !text.isEmpty || parts.isEmpty { parts.append(.text(text)) }
        var t = Token(kind: .string, text: String(chars[startIndex..<index]), location: start)
        t.parts = parts
        return t
    }
}
