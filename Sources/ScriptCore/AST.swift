import Foundation

// The syntax tree. Every node carries its location for error messages; expressions and
// statements are value types (indirect enums inside small structs).

/// Binary operators, in the order of the precedence table (Parser.swift).
public enum BinaryOp: String, Sendable {
    case or = "or", and = "and"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case rangeExclusive = "..<", rangeInclusive = "..."
    case add = "+", subtract = "-"
    case multiply = "*", divide = "/", remainder = "%", matmul = "@"
    case power = "^"
}

/// Prefix operators.
public enum UnaryOp: String, Sendable {
    case negate = "-", not = "not"
}

/// One item inside `t[...]`: a single index, or a slice `start:end:step` (each part optional).
public enum IndexItem: Sendable {
    case single(Expr)
    case slice(Expr?, Expr?, Expr?)
}

/// A call argument: positional (`label == nil`) or keyword (`epochs: 50`).
public struct Argument: Sendable {
    public let label: String?
    public let value: Expr
}

/// A function parameter with an optional default (`fn f(x, lr = 0.1)`).
public struct Parameter: Sendable {
    public let symbol: Symbol
    public let defaultValue: Expr?
    public var name: String { symbol.name }
}

/// A function literal's parts, shared by `fn name(...) {}` and anonymous `fn(...) {}`.
public final class FunctionDecl: Sendable {
    public let name: String
    /// The variable a `fn name(...)` statement binds.
    public let symbol: Symbol
    public let parameters: [Parameter]
    public let body: [Stmt]
    public let location: SourceLocation
    public init(name: String, parameters: [Parameter], body: [Stmt], location: SourceLocation) {
        self.name = name
        symbol = Symbol(name)
        self.parameters = parameters
        self.body = body
        self.location = location
    }
}

/// An expression and where it starts.
public struct Expr: Sendable {
    public indirect enum Kind: Sendable {
        case number(Double)
        case string(String)
        case interpolation([Expr])   // pieces are concatenated with `str`
        case bool(Bool)
        case `nil`
        case variable(Symbol)
        case list([Expr])
        case map([(key: String, value: Expr)])
        case unary(UnaryOp, Expr)
        case binary(BinaryOp, Expr, Expr)
        case call(Expr, [Argument])
        case field(Expr, String)
        case index(Expr, [IndexItem])
        case function(FunctionDecl)
        /// `if c { a } else { b }` used as a value: the value of the branch taken (nil when
        /// no branch runs).
        case `if`(condition: Expr, then: [Stmt], else: [Stmt]?)
    }
    public let kind: Kind
    public let location: SourceLocation
}

/// A statement and where it starts.
public struct Stmt: Sendable {
    public indirect enum Kind: Sendable {
        /// An expression statement; `suppressed` when followed by `;` (no REPL auto-print).
        case expression(Expr, suppressed: Bool)
        /// `target = value` or `target op= value`; target is a variable, field or index.
        case assign(target: Expr, op: BinaryOp?, value: Expr)
        case function(FunctionDecl)
        case `if`(condition: Expr, then: [Stmt], else: [Stmt]?)
        case `for`(variable: Symbol, iterable: Expr, body: [Stmt])
        case `while`(condition: Expr, body: [Stmt])
        case `return`(Expr?)
        case `break`
        case `continue`
    }
    public let kind: Kind
    public let location: SourceLocation
}

/// A parsed script: its statements and the file they came from.
public struct Program: Sendable {
    public let file: SourceFile
    public let statements: [Stmt]
}
