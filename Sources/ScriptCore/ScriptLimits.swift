import Foundation

/// How deep a script may nest, shared by the parser and the evaluator, and why the numbers are
/// safe: they come from the stack `ScriptThread` sets and from measured costs per level.
///
/// One budget of `maxNesting` levels covers everything that recurses on the native stack:
/// - the parser refuses a tree taller than `maxNesting` (`Expr.height`: a left-growing chain
///   `1+1+1+...`, `x.a.a.a...`, `f(1)(1)(1)...` grows the tree without the parser recursing)
///   and recursing deeper than `maxNesting` itself (`((((...))))`, `-(-(-...))`);
/// - the evaluator counts one level per expression it is inside and per block, and
///   `callWeight` levels per script function call, across calls, so a parsed program can never
///   evaluate deeper than the stack holds, whatever calls whatever.
/// Both report "expression nested too deeply (limit N)" with a caret; a budget used up across
/// calls reports "recursion too deep".
///
/// The numbers, measured by `StackCostTests` (x86-64 Linux, Swift 6.3, release build), which
/// drives every shape of nesting to the limit on a script thread, reads how much stack it used,
/// prints the figures and fails if they outgrow what is assumed here:
/// - a level costs at most 2.3 KiB while parsing (`(`, `[`, `-`, `not`: `parse` into `prefix`
///   into `parse`), 1.5 KiB while evaluating (`evaluate` into `evaluate`, a block, or a call at
///   `callWeight` levels: 0.5 to 1.4 KiB per level for recursion, also through `catch`,
///   `list.map` and `no_grad`); `bytesPerLevel` is 3 KiB, about 30% above the worst;
/// - so a parse, or an evaluation, at `maxNesting` levels takes at most 24 MiB of the
///   256 MiB `ScriptThread.stackSize`;
/// - every call also checks that `callReserve` (64 MiB) of stack is still free: enough for a
///   whole parse at the limit on top (a script that `load`s another) and for the frames of
///   built-ins that call back into scripts, which no count can promise (a learner's `logits`
///   function runs under the trainer's frames);
/// - releasing a tree recurses once per level too, at most 0.3 KiB each: 2.6 MiB at the
///   limit, so a function's body also frees safely on a process's 8 MiB main thread, where
///   the REPL's `:reset` drops it.
public enum ScriptLimits {
    /// Deepest nesting of expressions and blocks (and, at run time, calls) a script may use.
    public static let maxNesting = 8_192
    /// Stack bytes one level may use, as measured with a margin (see `StackCostTests`).
    public static let bytesPerLevel = 3 << 10
    /// Deepest nesting of strings inside string interpolations (`"\("\("...")")"`), a tighter
    /// bound inside the one above: the lexer finds an interpolation's closing paren by scanning
    /// its text, and the parser lexes that text again for the level inside, so every character
    /// is scanned once per enclosing level. 32 levels keep that linear in the file's length
    /// (20 000 levels took minutes); real scripts use one or two.
    public static let maxInterpolationNesting = 32
    /// Levels one script function call counts for.
    public static let callWeight = 4
    /// Stack bytes a call must find free below it on the script thread, so built-ins that call
    /// back into the interpreter through their own deep frames stop cleanly.
    public static let callReserve = 64 << 20

    /// "expression nested too deeply (limit N)" at `location`.
    static func nestingError(_ kind: ScriptError.Kind, at location: SourceLocation?) -> ScriptError {
        ScriptError(kind, "expression nested too deeply (limit \(maxNesting))", at: location)
    }

    /// The error for a depth budget used up across `calls` nested script calls.
    static func recursionError(calls: Int, at location: SourceLocation?) -> ScriptError {
        ScriptError(.runtime, "recursion too deep (\(calls) nested calls reached the nesting limit of \(maxNesting) levels; runaway recursion?)",
                    at: location)
    }
}
