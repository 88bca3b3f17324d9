import Foundation
import XCTest
import Bindings
import REPL
import Reports
import ScriptCore
import TestSupport

/// The parser and interpreter survive hostile input: thousands of scripts made by mutating the
/// language-test corpus at the token level (deletions, insertions, swaps, duplications,
/// replacements, and issue 14's shapes: long left-growing chains and deep nesting) must each
/// end in success or a `ScriptError`: never a crash, a hang (a step limit bounds every run) or
/// another kind of error. In-process first (fast, many mutants); then through the built `palm`
/// as child processes, where a stack overflow or an abort is a signal the test sees rather
/// than the end of the test run.
///
/// Seeded: every run tries the same mutants, 3000 in-process and 50 through `palm` (under
/// 20 s together on a busy 2-core machine). `PALM_FUZZ_ITERATIONS=N` runs N in-process
/// mutants and N/60 through `palm` instead, and `PALM_FUZZ_SEED=S` other mutants, for a
/// longer hunt:
///     PALM_FUZZ_ITERATIONS=100000 swift test -c release --filter FuzzTests
final class FuzzTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        Bindings.register()  // as the palm executable does at start-up
    }

    /// Mutants run in-process per test run: `PALM_FUZZ_ITERATIONS`, else a CI-sized default.
    static var iterations: Int {
        ProcessInfo.processInfo.environment["PALM_FUZZ_ITERATIONS"].flatMap { Int($0) }.map { max(1, $0) } ?? 3_000
    }

    /// Mixed into every generator's seed: `PALM_FUZZ_SEED`, else 0 (the suite's fixed mutants).
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["PALM_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0
    }

    /// Bounds on every mutant's run: loop iterations plus calls, and wall-clock seconds (a
    /// mutant may call a slow built-in in a loop that stays under the step budget).
    static let stepBudget = 2_000
    static let secondsBudget = 10.0

    /// SplitMix64: a tiny seeded generator so the mutations are the same on every run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Links of left-growing chains (`1 + 1 + ...`, `x.a.a...`, `f(1)(1)...`): before issue 14
    /// a few thousand of one overflowed the interpreter's stack.
    static let chainLinks = ["+ 1", ". a", "[ 0 ]", "( 1 )", "and true", "or false", "@ o", "* 2", "^ 1", "== 1", ". len ( )", "..< 3"]
    /// Brackets that nest (`((...))`, `-(-(...))`, `fn() { fn() { ... } }`).
    static let nestings: [(open: String, close: String)] = [
        ("(", ")"), ("[", "]"), ("- (", ")"), ("not (", ")"), ("f (", ")"), ("{ \"k\" :", "}"),
        ("fn ( ) {", "}"), ("if true {", "}"), ("\"\\(", ")\""),
    ]
    /// How long a chain or how deep a nesting: around the limit of 8192 levels and past it.
    static let lengths = [10, 500, 4_000, 8_191, 8_193, 20_000]

    /// Applies one of the ordinary mutations (kinds 0-4) or, for kinds 5 and 6, splices in a
    /// long chain or wraps a stretch of tokens in deep nesting.
    static func mutate(_ tokens: inout [String], kind: Int, pool: [String], using rng: inout SplitMix) {
        guard !tokens.isEmpty else { return }
        var a = Int.random(in: 0..<tokens.count, using: &rng)
        // Around tokens a..<b: often one expression, sometimes a stretch across brackets or lines.
        var b = min(tokens.count, a + Int.random(in: 1...3, using: &rng))
        if kind >= 5 {
            // Chains and nestings go on an operand in a value's place (a name, number or string
            // after `=`, `(`, `+`, ...) when there is one, so that many mutants still parse and
            // the evaluator meets the depth too.
            let operands = tokens.indices.filter { i in
                isOperand(tokens[i]) && (i == 0 || valueBefore.contains(tokens[i - 1]))
                    && (i + 1 == tokens.count || !notValueAfter.contains(tokens[i + 1]))
            }
            if let i = operands.randomElement(using: &rng) { (a, b) = (i, i + 1) }
        }
        switch kind {
        case 0: tokens.remove(at: a)
        case 1: tokens.insert(pool.randomElement(using: &rng)!, at: a)
        case 2: tokens.swapAt(a, Int.random(in: 0..<tokens.count, using: &rng))
        case 3:
            let n = min(Int.random(in: 1...8, using: &rng), tokens.count - a)
            tokens.insert(contentsOf: tokens[a..<(a + n)], at: Int.random(in: 0...tokens.count, using: &rng))
        case 4: tokens[a] = pool.randomElement(using: &rng)!
        case 5:
            // After the token at a: `x` becomes `x + 1 + 1 ...`.
            let link = chainLinks.randomElement(using: &rng)!, n = lengths.randomElement(using: &rng)!
            tokens.insert(String(repeating: link + " ", count: n), at: a + 1)
        default:
            let (open, close) = nestings.randomElement(using: &rng)!, n = lengths.randomElement(using: &rng)!
            tokens.insert(String(repeating: " " + close, count: n), at: b)
            tokens.insert(String(repeating: open + " ", count: n), at: a)
        }
    }

    /// Tokens after which a value is expected, and tokens after which a name is a target
    /// (`x = ...`, `k: v`, `for i in ...`) rather than a value.
    static let valueBefore: Set<String> = ["=", "(", "[", ",", "+", "-", "*", "/", "@", "==", "!=", "<", ">", "<=", ">=", "and", "or", "not", "return", "in"]
    static let notValueAfter: Set<String> = ["=", ":", "in", "+=", "-=", "*=", "/=", "{"]

    /// A name (not a keyword that starts or joins statements), a number or a string literal.
    static func isOperand(_ token: String) -> Bool {
        guard let c = token.first, c.isLetter || c.isNumber || c == "_" || c == "\"" else { return false }
        return !["fn", "if", "else", "for", "in", "while", "return", "break", "continue", "and", "or", "not"].contains(token)
    }

    static func corpus() throws -> [[String]] {
        // Scripts that drive the host bindings are left out: their mutants would train models
        // for minutes and could save files under mutated names into the working directory.
        try LanguageTests.scriptPaths().filter { !$0.lastPathComponent.hasPrefix("bindings_") && $0.lastPathComponent != "design_example.palm" }.compactMap { url in
            let text = try String(contentsOf: url, encoding: .utf8)
            var lexer = Lexer(file: SourceFile(name: url.lastPathComponent, text: text))
            guard let tokens = try? lexer.tokenize() else { return nil }  // the lexer-error scripts
            return tokens.filter { $0.kind != .eof }.map { $0.kind == .newline ? "\n" : $0.text }
        }
    }

    func testMutatedScriptsOnlyRaiseScriptErrors() throws {
        let corpus = try Self.corpus()
        XCTAssertGreaterThan(corpus.count, 10)
        let pool = corpus.flatMap { $0 } + ["(", ")", "[", "]", "{", "}", "\"", "\\(", ".", ":", ",", "fn", "..<", "@", "-"]
        var rng = SplitMix(state: 0x5eed ^ Self.seed)
        let iterations = Self.iterations
        var outcomes = (ok: 0, syntax: 0, runtime: 0, overBudget: 0)
        // One interpreter, reset between mutants (cheaper than building the built-ins for
        // every mutant, and :reset gets exercised too).
        let interp = Interpreter()
        interp.output = { _ in }
        interp.stepLimit = Self.stepBudget
        interp.timeLimit = Self.secondsBudget
        var deep = 0
        let start = Date()
        // Every mutant on one script thread: `run` then stays on it instead of starting a
        // thread (with its 256 MiB stack) per entry, which was most of the test's time.
        try ScriptThread.run {
            for i in 0..<iterations {
                var tokens = corpus[Int.random(in: 0..<corpus.count, using: &rng)]
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    // One mutation in thirty is a long chain or deep nesting: such a mutant
                    // costs ten times an ordinary one here, and the test through `palm` below
                    // gives every mutant one.
                    let kind = Int.random(in: 0..<60, using: &rng)
                    if kind >= 58 { deep += 1 }
                    Self.mutate(&tokens, kind: kind < 58 ? kind % 5 : kind - 53, pool: pool, using: &rng)
                }
                // Splice tokens back with spaces (newlines stay newlines); a fragment like `\(`
                // may land anywhere, including inside a string.
                let text = tokens.joined(separator: " ")
                interp.reset()
                // Even mutants run whole (mostly exercising the parser: one bad token stops the
                // file); odd ones run line by line in one session, as typed at a REPL, so the
                // interpreter sees many mutated but parseable statements.
                let entries = i % 2 == 0 ? [text] : text.split(separator: "\n").map(String.init)
                for entry in entries {
                    do {
                        try interp.run(entry, name: "fuzz\(i).palm")
                        outcomes.ok += 1
                    } catch let e as ScriptError {
                        if e.kind == .syntax { outcomes.syntax += 1 } else { outcomes.runtime += 1 }
                        // Rendering must work for every error, wherever it points.
                        XCTAssertFalse(e.rendered.isEmpty)
                        if e.message.hasPrefix("step limit of") || e.message.hasPrefix("time limit of") { outcomes.overBudget += 1 }
                        // A mutant cannot raise Ctrl-C: an interrupt here would be the time budget
                        // leaking its flag from one run into the next.
                        XCTAssertNotEqual(e.kind, .interrupted, "mutant \(i): \(e.rendered)")
                    } catch {
                        XCTFail("mutant \(i) raised a non-script error \(error):\n\(entry)")
                    }
                }
            }
        }
        print("FuzzTests: \(iterations) mutants (\(deep) chains or nestings spliced in) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s: "
              + "\(outcomes.ok) entries ran, \(outcomes.syntax) syntax errors, \(outcomes.runtime) runtime errors (\(outcomes.overBudget) over the step or time budget)")
        // The mix shows the mutations reach both the parser and the interpreter.
        XCTAssertGreaterThan(outcomes.ok, iterations)
        XCTAssertGreaterThan(outcomes.syntax, iterations / 2)
        XCTAssertGreaterThan(outcomes.runtime, iterations / 10)
        XCTAssertGreaterThan(deep, iterations / 20)
    }

    /// Mutants that each carry at least one long chain or deep nesting, run by the built `palm`
    /// (`palm run --max-steps`, so a mutant that loops for ever stops): each must exit 0, or 1
    /// with an error report; never a signal (SIGSEGV from a stack overflow, SIGABRT from an
    /// allocation) and never a hang.
    func testMutantsWithDeepNestingEndCleanlyInPalm() throws {
        let corpus = try Self.corpus()
        let pool = corpus.flatMap { $0 } + ["(", ")", "[", "]", "{", "}", "\"", "\\(", ".", ":", ",", "fn", "..<", "@", "-"]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("palm-fuzz-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var rng = SplitMix(state: 0xdee9 ^ Self.seed)
        let iterations = max(20, Self.iterations / 60)
        let start = Date()
        var outcomes = (ok: 0, syntax: 0, runtime: 0, tooDeep: 0)
        for i in 0..<iterations {
            var tokens = corpus[Int.random(in: 0..<corpus.count, using: &rng)]
            for _ in 0..<Int.random(in: 0...1, using: &rng) {
                Self.mutate(&tokens, kind: Int.random(in: 0..<5, using: &rng), pool: pool, using: &rng)
            }
            for _ in 0..<Int.random(in: 1...2, using: &rng) {
                Self.mutate(&tokens, kind: Int.random(in: 5...6, using: &rng), pool: pool, using: &rng)
            }
            // `o` and `f` give the chains and nestings something to apply to.
            let text = "o = ones(1, 1)\nfn f(x) { x }\n" + tokens.joined(separator: " ") + "\n"
            let path = directory.appendingPathComponent("mutant\(i).palm").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let outcome = try PalmProcess.run(["run", "--max-steps", "\(Self.stepBudget)", "--max-seconds", "\(Int(Self.secondsBudget))", "--max-memory", "1G", path],
                                              timeout: 60)
            XCTAssertTrue(outcome.signal == nil && !outcome.timedOut && (outcome.status == 0 || outcome.status == 1),
                          "mutant \(i) (\(path)): \(outcome)\n--- script\n\(text.prefix(600))")
            if outcome.status == 1 {
                // The report starts "mutant7.palm:3:5: syntax error: ..." (or "error:", "type error:").
                let first = outcome.stderr.prefix { $0 != "\n" }
                if first.contains(": syntax error: ") {
                    outcomes.syntax += 1
                } else {
                    XCTAssertTrue(first.contains("error: "), "mutant \(i) failed without an error report: \(outcome)")
                    outcomes.runtime += 1
                }
                if first.contains("nested too deeply") { outcomes.tooDeep += 1 }
            } else if outcome.status == 0 {
                outcomes.ok += 1
            }
            if outcome.signal != nil || outcome.timedOut { break }  // one is enough: keep the evidence, stop
        }
        print("FuzzTests: \(iterations) deep mutants through palm in \(String(format: "%.1f", Date().timeIntervalSince(start))) s: \(outcomes.ok) exited 0; exited 1 with \(outcomes.syntax) syntax errors "
              + "(\(outcomes.tooDeep) nested too deeply) and \(outcomes.runtime) runtime errors")
        // The mix shows the mutants reach the depth limits and also the evaluator.
        XCTAssertGreaterThan(outcomes.tooDeep, iterations / 20)
        XCTAssertGreaterThan(outcomes.runtime, iterations / 20)
    }
}
