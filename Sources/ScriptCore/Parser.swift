import Foundation

// The parser (Lua's lparser, clox's compiler front half): recursive descent for statements,
// Pratt (precedence climbing) for expressions. Each parse function states its grammar rule.
//
// Precedence, lowest to highest (all binary operators are left-associative except `^`, which
// is right-associative, and the ranges, which do not chain):
//
//   or
//   and
//   not                        (prefix)
//   == != < <= > >=
//   ..< ...
//   + -
//   * / % @
//   - (prefix)
//   ^
//   call () , index [] , field .   (postfix)

/// Binding power of each level of the precedence table.
enum Precedence: Int, Comparable {
    case none, or, and, not, comparison, range, term, factor, unary, power, postfix
    static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
}

/// Infix operators: token -> (operator, precedence).
private let infixTable: [TokenKind: (BinaryOp, Precedence)] = [
    .or: (.or, .or), .and: (.and, .and),
    .equalEqual: (.equal, .comparison), .bangEqual: (.notEqual, .comparison),
    .less: (.less, .comparison), .lessEqual: (.lessEqual, .comparison),
    .greater: (.greater, .comparison), .greaterEqual: (.greaterEqual, .comparison),
    .dotDotLess: (.rangeExclusive, .range), .dotDotDot: (.rangeInclusive, .range),
    .plus: (.add, .term), .minus: (.subtract, .term),
    .star: (.multiply, .factor), .slash: (.divide, .factor), .percent: (.remainder, .factor), .at: (.matmul, .factor),
    .caret: (.power, .power),
]

extension TokenKind: Hashable {}

/// Parses tokens of one `SourceFile` into a `Program`.
public struct Parser {
    private var tokens: [Token]
    private var current = 0
    private let file: SourceFile
    /// How deep the parser has recursed (expressions and blocks); bounded, with the height of
    /// every node it builds, by `ScriptLimits.maxNesting`, so hostile input cannot overflow the
    /// native stack here or in the evaluator.
    private var depth = 0
    /// How many string interpolations enclose these tokens; bounded by
    /// `ScriptLimits.maxInterpolationNesting` (each level's text is scanned again by every
    /// level around it).
    private var interpolationDepth = 0

    /// Parses a whole file (on a script thread, whose stack `ScriptLimits` is computed for).
    public static func parse(_ file: SourceFile) throws -> Program {
        try ScriptThread.run {
            var lexer = Lexer(file: file)
            var parser = Parser(tokens: try lexer.tokenize(), file: file)
            return Program(file: file, statements: try parser.program())
        }
    }

    init(tokens: [Token], file: SourceFile) {
        self.tokens = tokens
        self.file = file
    }

    // MARK: Token helpers

    private var peek: Token { tokens[current] }
    private func check(_ kind: TokenKind) -> Bool { peek.kind == kind }
    private func checkNext(_ kind: TokenKind) -> Bool { current + 1 < tokens.count && tokens[current + 1].kind == kind }

    @discardableResult
    private mutating func advance() -> Token {
        let t = tokens[current]
        if t.kind != .eof { current += 1 }
        return t
    }

    private mutating func match(_ kinds: TokenKind...) -> Bool {
        if kinds.contains(peek.kind) { advance(); return true }
        return false
    }

    @discardableResult
    private mutating func consume(_ kind: TokenKind, _ what: String) throws -> Token {
        if check(kind) { return advance() }
        throw error(expected: what)
    }

    private func error(expected what: String) -> ScriptError {
        let found: String
        switch peek.kind {
        case .eof: found = "end of input"
        case .newline: found = "end of line"
        default: found = "'\(peek.text)'"
        }
        var e = ScriptError(.syntax, "expected \(what), found \(found)", at: peek.location)
        e.isIncompleteInput = peek.kind == .eof
        return e
    }

    private mutating func skipNewlines() { while check(.newline) { advance() } }

    private mutating func enter() throws {
        depth += 1
        if depth > ScriptLimits.maxNesting { throw ScriptLimits.nestingError(.syntax, at: peek.location) }
    }

    /// A new expression node, refused (with the caret at `culprit`, by default the node) when
    /// the tree it roots is taller than the limit.
    private func node(_ kind: Expr.Kind, at location: SourceLocation, culprit: SourceLocation? = nil) throws -> Expr {
        let e = Expr(kind: kind, location: location)
        if e.height > ScriptLimits.maxNesting { throw ScriptLimits.nestingError(.syntax, at: culprit ?? location) }
        return e
    }

    /// A new statement, refused as `node` refuses expressions.
    private func statementNode(_ kind: Stmt.Kind, at location: SourceLocation) throws -> Stmt {
        let s = Stmt(kind: kind, location: location)
        if s.height > ScriptLimits.maxNesting { throw ScriptLimits.nestingError(.syntax, at: location) }
        return s
    }

    // MARK: Statements

    /// program := (statement (newline | ';'))* eof
    mutating func program() throws -> [Stmt] {
        var statements: [Stmt] = []
        skipTerminators()
        while !check(.eof) {
            statements.append(try statement())
            try endStatement(&statements)
        }
        return statements
    }

    private mutating func skipTerminators() { while check(.newline) || check(.semicolon) { advance() } }

    /// After a statement: a newline, `;`, `}` or end of input. A `;` marks an expression
    /// statement as suppressed (no REPL auto-print).
    private mutating func endStatement(_ statements: inout [Stmt]) throws {
        if check(.semicolon), let last = statements.last, case let .expression(e, _) = last.kind {
            statements[statements.count - 1] = Stmt(kind: .expression(e, suppressed: true), location: last.location)
        }
        if check(.rightBrace) || check(.eof) { return }
        guard check(.newline) || check(.semicolon) else { throw error(expected: "end of statement") }
        skipTerminators()
    }

    /// block := '{' (statement (newline | ';'))* '}'
    private mutating func block() throws -> [Stmt] {
        try enter()
        defer { depth -= 1 }
        try consume(.leftBrace, "'{'")
        var statements: [Stmt] = []
        skipTerminators()
        while !check(.rightBrace) {
            if check(.eof) { throw error(expected: "'}'") }
            statements.append(try statement())
            try endStatement(&statements)
        }
        advance()
        return statements
    }

    /// statement := fnDecl | ifStmt | forStmt | whileStmt | returnStmt | 'break' | 'continue'
    ///            | assignment | expression
    private mutating func statement() throws -> Stmt {
        let loc = peek.location
        switch peek.kind {
        case .fn where checkNext(.identifier):
            advance()
            return try statementNode(.function(try functionRest(name: advance().text, at: loc)), at: loc)
        case .if: advance(); return try ifRest(at: loc)
        case .for: advance(); return try forRest(at: loc)
        case .while: advance(); return try whileRest(at: loc)
        case .return:
            advance()
            if check(.newline) || check(.semicolon) || check(.rightBrace) || check(.eof) {
                return try statementNode(.return(nil), at: loc)
            }
            return try statementNode(.return(try expression()), at: loc)
        case .break: advance(); return try statementNode(.break, at: loc)
        case .continue: advance(); return try statementNode(.continue, at: loc)
        default: return try assignmentOrExpression()
        }
    }

    /// fnDecl := 'fn' IDENT '(' params? ')' block
    /// params := param (',' param)* ; param := IDENT ('=' expression)?
    private mutating func functionRest(name: String, at loc: SourceLocation) throws -> FunctionDecl {
        try consume(.leftParen, "'(' after function name")
        var params: [Parameter] = []
        if !check(.rightParen) {
            repeat {
                if check(.rightParen) { break }  // trailing comma
                let p = try consume(.identifier, "parameter name")
                if params.contains(where: { $0.name == p.text }) {
                    throw ScriptError(.syntax, "duplicate parameter '\(p.text)'", at: p.location)
                }
                var def: Expr?
                if match(.equal) { def = try expression() }
                else if params.last?.defaultValue != nil {
                    throw ScriptError(.syntax, "parameter '\(p.text)' needs a default: it follows one that has a default", at: p.location)
                }
                params.append(Parameter(symbol: Symbol(p.text), defaultValue: def))
            } while match(.comma)
        }
        try consume(.rightParen, "')' after parameters")
        return FunctionDecl(name: name, parameters: params, body: try block(), location: loc)
    }

    /// ifStmt := 'if' expression block ('else' (ifStmt | block))?
    private mutating func ifRest(at loc: SourceLocation) throws -> Stmt {
        let condition = try expression()
        let thenBranch = try block()
        var elseBranch: [Stmt]?
        // Allow `}` newline `else {`.
        let save = current
        skipNewlines()
        if match(.else) {
            if check(.if) {
                // Each `else if` nests one level deeper (the parser recurses, the tree grows).
                try enter()
                defer { depth -= 1 }
                let l = advance().location
                elseBranch = [try ifRest(at: l)]
            } else {
                elseBranch = try block()
            }
        } else {
            current = save
        }
        return try statementNode(.if(condition: condition, then: thenBranch, else: elseBranch), at: loc)
    }

    /// forStmt := 'for' IDENT 'in' expression block
    private mutating func forRest(at loc: SourceLocation) throws -> Stmt {
        let name = Symbol(try consume(.identifier, "loop variable name").text)
        try consume(.in, "'in'")
        let iterable = try expression()
        return try statementNode(.for(variable: name, iterable: iterable, body: try block()), at: loc)
    }

    /// whileStmt := 'while' expression block
    private mutating func whileRest(at loc: SourceLocation) throws -> Stmt {
        let condition = try expression()
        return try statementNode(.while(condition: condition, body: try block()), at: loc)
    }

    /// assignment := target ('=' | '+=' | '-=' | '*=' | '/=') expression
    /// target     := IDENT | postfix '.' IDENT | postfix '[' index ']'
    private mutating func assignmentOrExpression() throws -> Stmt {
        let loc = peek.location
        let expr = try expression()
        let ops: [TokenKind: BinaryOp?] = [.equal: nil, .plusEqual: .add, .minusEqual: .subtract, .starEqual: .multiply, .slashEqual: .divide]
        if let op = ops[peek.kind] {
            let opToken = advance()
            switch expr.kind {
            case .variable, .field, .index: break
            default: throw ScriptError(.syntax, "cannot assign to this expression", at: opToken.location)
            }
            skipNewlines()
            return try statementNode(.assign(target: expr, op: op, value: try expression()), at: loc)
        }
        return try statementNode(.expression(expr, suppressed: false), at: loc)
    }

    // MARK: Expressions

    /// expression := precedence(or)
    mutating func expression() throws -> Expr { try parse(.or) }

    /// The Pratt loop: a prefix form, then infix operators binding at least as tightly as
    /// `minimum`.
    private mutating func parse(_ minimum: Precedence) throws -> Expr {
        try enter()
        defer { depth -= 1 }
        var left = try prefix()
        while true {
            if let (op, prec) = infixTable[peek.kind], prec >= minimum {
                let opToken = advance()
                skipNewlines()  // a line ending in an operator continues
                // Left-associative: the right side binds one level tighter; `^` is right-assoc.
                let next: Precedence = op == .power ? .power : Precedence(rawValue: prec.rawValue + 1)!
                let right = try parse(next)
                left = try node(.binary(op, left, right), at: opToken.location)
                // Comparisons and ranges do not chain (`a < b < c` is almost always a mistake).
                if prec == .range || prec == .comparison, let (_, p2) = infixTable[peek.kind], p2 == prec {
                    throw ScriptError(.syntax, "'\(peek.text)' cannot follow '\(opToken.text)' without parentheses", at: peek.location)
                }
            } else if minimum <= .postfix, [.leftParen, .leftBracket, .dot].contains(peek.kind) {
                left = try postfix(left)
            } else {
                return left
            }
        }
    }

    /// postfix := primary ( '(' arguments ')' | '[' index ']' | '.' IDENT )*
    private mutating func postfix(_ left: Expr) throws -> Expr {
        let t = advance()
        switch t.kind {
        case .leftParen:
            // A call is located at its callee (`outer` in `outer(5)`), where a reader looks.
            return try node(.call(left, try arguments()), at: left.location, culprit: t.location)
        case .leftBracket:
            return try node(.index(left, try indexItems()), at: t.location)
        default:
            let name = try consume(.identifier, "field or method name after '.'")
            return try node(.field(left, name.text), at: name.location)
        }
    }

    /// arguments := (expression (',' expression)*)? (IDENT ':' expression (',' IDENT ':' expression)*)? ','?
    private mutating func arguments() throws -> [Argument] {
        var args: [Argument] = []
        while !check(.rightParen) {
            if check(.identifier), checkNext(.colon) {
                let label = advance()
                advance()
                if args.contains(where: { $0.label == label.text }) {
                    throw ScriptError(.syntax, "duplicate keyword argument '\(label.text)'", at: label.location)
                }
                args.append(Argument(label: label.text, value: try expression()))
            } else {
                let loc = peek.location
                let value = try expression()
                if args.last?.label != nil {
                    throw ScriptError(.syntax, "positional argument after keyword arguments", at: loc)
                }
                args.append(Argument(label: nil, value: value))
            }
            if !match(.comma) { break }
        }
        try consume(.rightParen, "')' after arguments")
        return args
    }

    /// index := item (',' item)* ; item := expression | expression? ':' expression? (':' expression?)?
    private mutating func indexItems() throws -> [IndexItem] {
        var items: [IndexItem] = []
        repeat {
            var start: Expr?
            if !check(.colon) { start = try expression() }
            if match(.colon) {
                var end: Expr?, step: Expr?
                if !check(.colon), !check(.comma), !check(.rightBracket) { end = try expression() }
                if match(.colon), !check(.comma), !check(.rightBracket) { step = try expression() }
                items.append(.slice(start, end, step))
            } else if let start {
                items.append(.single(start))
            }
        } while match(.comma)
        try consume(.rightBracket, "']' after index")
        return items
    }

    /// primary := NUMBER | STRING | 'true' | 'false' | 'nil' | IDENT | '(' expression ')'
    ///          | '[' (expression (',' expression)*)? ']' | '{' (key ':' expression (',' ...)*)? '}'
    ///          | 'fn' '(' params? ')' block | ifStmt | ('-' | 'not' | '!') expression
    private mutating func prefix() throws -> Expr {
        let t = advance()
        let loc = t.location
        switch t.kind {
        case .number: return try node(.number(t.number), at: loc)
        case .string: return try stringLiteral(t)
        case .true: return try node(.bool(true), at: loc)
        case .false: return try node(.bool(false), at: loc)
        case .nil: return try node(.nil, at: loc)
        case .identifier: return try node(.variable(Symbol(t.text)), at: loc)
        case .leftParen:
            let e = try expression()
            try consume(.rightParen, "')'")
            return e
        case .leftBracket:
            var items: [Expr] = []
            while !check(.rightBracket) {
                items.append(try expression())
                if !match(.comma) { break }
            }
            try consume(.rightBracket, "']' after list")
            return try node(.list(items), at: loc)
        case .leftBrace:
            var entries: [(key: String, value: Expr)] = []
            skipNewlines()
            while !check(.rightBrace) {
                let k = advance()
                let key: String
                switch k.kind {
                case .identifier: key = k.text
                case .string:
                    guard k.parts.count == 1, case let .text(s) = k.parts[0] else {
                        throw ScriptError(.syntax, "map keys cannot be interpolated", at: k.location)
                    }
                    key = s
                default:
                    if k.kind != .eof { current -= 1 }  // `advance` does not move past eof
                    throw error(expected: "map key (a name or a string)")
                }
                try consume(.colon, "':' after map key")
                skipNewlines()
                entries.append((key, try expression()))
                skipNewlines()
                if !match(.comma) { break }
                skipNewlines()
            }
            try consume(.rightBrace, "'}' after map")
            return try node(.map(entries), at: loc)
        case .fn:
            return try node(.function(try functionRest(name: "<fn>", at: loc)), at: loc)
        case .if:
            // An `if` in expression position (`y = if c { 1 } else { 2 }`).
            guard case let .if(condition, thenBranch, elseBranch) = try ifRest(at: loc).kind else { fatalError("ifRest returns an if") }
            return try node(.if(condition: condition, then: thenBranch, else: elseBranch), at: loc)
        case .minus:
            return try node(.unary(.negate, try parse(.unary)), at: loc)
        case .not, .bang:
            return try node(.unary(.not, try parse(.not)), at: loc)
        default:
            if t.kind != .eof { current -= 1 }  // `advance` does not move past eof
            throw error(expected: "an expression")
        }
    }

    /// Parses each `\(expr)` of a string token in place, at its own line and column.
    private mutating func stringLiteral(_ t: Token) throws -> Expr {
        if t.parts.count == 1, case let .text(s) = t.parts[0] { return Expr(kind: .string(s), location: t.location) }
        var pieces: [Expr] = []
        for part in t.parts {
            switch part {
            case let .text(s): pieces.append(Expr(kind: .string(s), location: t.location))
            case let .code(start, end, line, column):
                guard interpolationDepth < ScriptLimits.maxInterpolationNesting else {
                    throw ScriptError(.syntax, "string interpolations nested too deeply (limit \(ScriptLimits.maxInterpolationNesting))",
                                      at: SourceLocation(file: file, line: line, column: column))
                }
                var lexer = Lexer(file: file, start: start, end: end, line: line, column: column)
                var sub = Parser(tokens: try lexer.tokenize(), file: file)
                sub.depth = depth
                sub.interpolationDepth = interpolationDepth + 1
                let e = try sub.expression()
                if !sub.check(.eof) { throw sub.error(expected: "')' to end the interpolation") }
                pieces.append(e)
            }
        }
        return try node(.interpolation(pieces), at: t.location)
    }
}
