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
    /// Height of the tree below the declaration (its defaults and body).
    public let height: Int
    public init(name: String, parameters: [Parameter], body: [Stmt], location: SourceLocation) {
        self.name = name
        symbol = Symbol(name)
        self.parameters = parameters
        self.body = body
        self.location = location
        height = max(parameters.reduce(0) { max($0, $1.defaultValue?.height ?? 0) }, Stmt.height(of: body))
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
    /// Levels of the tree this node roots (1 for a leaf). Everything that walks a tree
    /// recursively (the evaluator, and Swift releasing it) goes this deep, so the parser refuses
    /// trees taller than `ScriptLimits.maxNesting`; a left-growing chain such as `1+1+1+...`
    /// grows this without the parser itself recursing.
    public let height: Int

    init(kind: Kind, location: SourceLocation) {
        self.kind = kind
        self.location = location
        height = 1 + kind.childHeight
    }
}

extension Expr.Kind {
    /// The greatest height among the node's children (0 for a leaf).
    var childHeight: Int {
        switch self {
        case .number, .string, .bool, .nil, .variable: return 0
        case let .interpolation(es), let .list(es): return Expr.height(of: es)
        case let .map(entries): return entries.reduce(0) { max($0, $1.value.height) }
        case let .unary(_, e), let .field(e, _): return e.height
        case let .binary(_, l, r): return max(l.height, r.height)
        case let .call(callee, args): return args.reduce(callee.height) { max($0, $1.value.height) }
        case let .index(e, items):
            return items.reduce(e.height) { h, item in
                switch item {
                case let .single(i): return max(h, i.height)
                case let .slice(a, b, c): return max(h, a?.height ?? 0, b?.height ?? 0, c?.height ?? 0)
                }
            }
        case let .function(decl): return decl.height
        case let .if(condition, then, otherwise): return max(condition.height, Stmt.height(of: then), otherwise.map(Stmt.height(of:)) ?? 0)
        }
    }
}

extension Expr {
    /// The greatest height among `exprs` (0 when empty).
    static func height(of exprs: [Expr]) -> Int { exprs.reduce(0) { max($0, $1.height) } }
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
    /// Levels of the tree this statement roots, as `Expr.height`.
    public let height: Int

    init(kind: Kind, location: SourceLocation) {
        self.kind = kind
        self.location = location
        switch kind {
        case let .expression(e, _): height = 1 + e.height
        case let .assign(target, _, value): height = 1 + max(target.height, value.height)
        case let .function(decl): height = 1 + decl.height
        case let .if(condition, then, otherwise):
            height = 1 + max(condition.height, Stmt.height(of: then), otherwise.map(Stmt.height(of:)) ?? 0)
        case let .for(_, iterable, body): height = 1 + max(iterable.height, Stmt.height(of: body))
        case let .while(condition, body): height = 1 + max(condition.height, Stmt.height(of: body))
        case let .return(e): height = 1 + (e?.height ?? 0)
        case .break, .continue: height = 1
        }
    }

    /// Height of a block: one level for the block, plus its tallest statement.
    static func height(of block: [Stmt]) -> Int { 1 + block.reduce(0) { max($0, $1.height) } }
}

/// A parsed script: its statements and the file they came from.
public struct Program: Sendable {
    public let file: SourceFile
    public let statements: [Stmt]
}
