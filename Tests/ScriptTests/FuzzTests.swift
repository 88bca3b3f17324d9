import Foundation
import XCTest
import Bindings
import REPL
import Reports
import ScriptCore

/// The parser and interpreter survive hostile input: thousands of scripts made by mutating the
/// language-test corpus at the token level (deletions, insertions, swaps, duplications,
/// replacements) must each end in success or a `ScriptError`: never a crash, a hang (a step
/// limit bounds every run) or another kind of error.
final class FuzzTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        Bindings.register()  // as the palm executable does at start-up
    }

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
        var rng = SplitMix(state: 0x5eed)
        let iterations = 5000
        var outcomes = (ok: 0, syntax: 0, runtime: 0)
        // One interpreter, reset between mutants (cheaper than building the built-ins 5000
        // times, and :reset gets exercised too).
        let interp = Interpreter()
        interp.output = { _ in }
        interp.stepLimit = 2_000
        for i in 0..<iterations {
            var tokens = corpus[Int.random(in: 0..<corpus.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...4, using: &rng) where !tokens.isEmpty {
                let a = Int.random(in: 0..<tokens.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: tokens.remove(at: a)
                case 1: tokens.insert(pool.randomElement(using: &rng)!, at: a)
                case 2: tokens.swapAt(a, Int.random(in: 0..<tokens.count, using: &rng))
                case 3:
                    let n = min(Int.random(in: 1...8, using: &rng), tokens.count - a)
                    tokens.insert(contentsOf: tokens[a..<(a + n)], at: Int.random(in: 0...tokens.count, using: &rng))
                default: tokens[a] = pool.randomElement(using: &rng)!
                }
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
                } catch {
                    XCTFail("mutant \(i) raised a non-script error \(error):\n\(entry)")
                }
            }
        }
        print("FuzzTests: \(iterations) mutants: \(outcomes.ok) ran, \(outcomes.syntax) syntax errors, \(outcomes.runtime) runtime errors")
        // The mix shows the mutations reach both the parser and the interpreter.
        XCTAssertGreaterThan(outcomes.ok, iterations)
        XCTAssertGreaterThan(outcomes.syntax, iterations / 2)
        XCTAssertGreaterThan(outcomes.runtime, iterations / 10)
    }
}
