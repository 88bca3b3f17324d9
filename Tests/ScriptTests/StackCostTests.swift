import Foundation
import XCTest
import ScriptCore

/// The interpreter's depth limit is a fact, not a guess: every shape of nesting the language
/// has is driven to `ScriptLimits.maxNesting` on a script thread whose stack is painted first
/// and scanned afterwards (`ScriptThread.measuringStack`), and the stack that parsing,
/// evaluating and releasing it used must stay within what `ScriptLimits` documents:
/// `maxNesting * bytesPerLevel`, a fraction of `ScriptThread.stackSize`. Releasing a tree must
/// also fit well inside a process main thread's 8 MiB, where a closure's body may be freed.
///
/// The per-level costs are printed (they are the numbers ScriptLimits' comment quotes).
final class StackCostTests: XCTestCase {
    /// What ScriptLimits promises any script stays within.
    static let budget = ScriptLimits.maxNesting * ScriptLimits.bytesPerLevel
    /// Half of a main thread's stack: the most releasing one tree may take.
    static let releaseBudget = 4 << 20

    /// Nested expressions and blocks, as a script of nesting `d`.
    static let nestings: [(name: String, script: @Sendable (Int) -> String)] = [
        ("parentheses", { "x = " + String(repeating: "(", count: $0) + "1" + String(repeating: ")", count: $0) }),
        ("lists", { "x = " + String(repeating: "[", count: $0) + "1" + String(repeating: "]", count: $0) }),
        ("maps", { "x = " + String(repeating: "{a: ", count: $0) + "1" + String(repeating: "}", count: $0) }),
        ("negations", { "x = " + String(repeating: "-(", count: $0) + "1" + String(repeating: ")", count: $0) }),
        ("bare negations", { "x = " + String(repeating: "- ", count: $0) + "1" }),
        ("nots", { "x = " + String(repeating: "not ", count: $0) + "true" }),
        ("right-nested sums", { "x = " + String(repeating: "1 + (", count: $0) + "1" + String(repeating: ")", count: $0) }),
        ("powers", { "x = 1" + String(repeating: " ^ 1", count: $0) }),
        ("nested calls", { "fn f(a) { a }\nx = " + String(repeating: "f(", count: $0) + "1" + String(repeating: ")", count: $0) }),
        ("nested indexes", { "l = [0]\nx = " + String(repeating: "l[", count: $0) + "0" + String(repeating: "]", count: $0) }),
        ("left chain of +", { "x = 1" + String(repeating: "+1", count: $0) }),
        ("left chain of and", { "x = true" + String(repeating: " and true", count: $0) }),
        ("left chain of @", { "o = ones(1, 1)\nx = o" + String(repeating: " @ o", count: $0) }),
        ("left chain of fields", { "m = {a: 1}\nm.a = m\nx = m" + String(repeating: ".a", count: $0) }),
        ("left chain of indexes", { "l = [0]\nl[0] = l\nx = l" + String(repeating: "[0]", count: $0) }),
        ("left chain of calls", { "fn f(a) { f }\nx = f(1)" + String(repeating: "(1)", count: $0) }),
        ("nested ifs", { String(repeating: "if true { ", count: $0) + "1" + String(repeating: " }", count: $0) }),
        ("nested if expressions", { "x = " + String(repeating: "if true { ", count: $0) + "1" + String(repeating: " }", count: $0) }),
        ("nested for loops", { String(repeating: "for i in [1] { ", count: $0) + "1" + String(repeating: " }", count: $0) }),
        ("nested while loops", { "n = 0\n" + String(repeating: "while n < 1 { ", count: $0) + "n = 1" + String(repeating: " }", count: $0) }),
        ("else-if chain", { "if false { 0 }" + String(repeating: " else if false { 0 }", count: $0) + " else { 1 }" }),
        ("nested function literals", { "f = " + String(repeating: "fn() { ", count: $0) + "1" + String(repeating: " }", count: $0) }),
    ]

    /// Recursion, through the interpreter and through built-ins that call back into it; each
    /// runs until the depth limit stops it.
    static let recursions: [(name: String, script: String)] = [
        ("a function", "fn f(n) { if n == 0 { 0 } else { 1 + f(n - 1) } }\nf(100000000)"),
        ("a deep expression per call", "fn f(n) { " + String(repeating: "1 + (", count: 60) + "f(n + 1)" + String(repeating: ")", count: 60) + " }\nf(0)"),
        ("default arguments", "fn d(n, m = d(n + 1)) { m }\nd(0)"),
        ("catch", "fn g(n) { catch(fn() { g(n + 1) }) }\ng(0)"),
        ("list.map", "fn h(n) { [n].map(fn(x) { h(x + 1) }) }\nh(0)"),
        ("no_grad", "fn k(n) { no_grad(fn() { k(n + 1) }) }\nk(0)"),
    ]

    /// The deepest `script(d)` that parses, searching down from `maxNesting`.
    func deepest(_ script: @Sendable (Int) -> String) throws -> (depth: Int, text: String) {
        var d = ScriptLimits.maxNesting
        while d > 0 {
            let text = script(d)
            do {
                _ = try Parser.parse(SourceFile(name: "deep.palm", text: text))
                return (d, text)
            } catch let e as ScriptError where e.message.hasPrefix("expression nested too deeply") {
                d = d * 15 / 16
            }
        }
        throw ScriptError.runtime("no depth parses")
    }

    /// A parsed program, and the interpreter that ran it (its functions hold parts of the
    /// tree), to release inside a measured thread.
    final class Holder {
        var program: Program?
        var interpreter: Interpreter?
    }

    func testNestingUpToTheLimitStaysWithinTheMeasuredBudget() throws {
        var rows: [String] = []
        for (name, script) in Self.nestings {
            let (d, text) = try deepest(script)
            let file = SourceFile(name: "\(name).palm", text: text)
            let holder = Holder()
            let (_, parse) = try ScriptThread.measuringStack { holder.program = try Parser.parse(file) }
            holder.interpreter = Interpreter()
            holder.interpreter?.output = { _ in }
            let (_, run) = try ScriptThread.measuringStack { () -> Void in
                do { try holder.interpreter?.run(holder.program!) } catch let e as ScriptError { XCTFail("\(name) at depth \(d): \(e.message)") }
            }
            let (_, release) = try ScriptThread.measuringStack {
                holder.program = nil
                holder.interpreter = nil
            }
            rows.append("\(name): depth \(d); parse \(parse / d) B/level, run \(run / d) B/level, release \(release / d) B/level (\(run >> 10) KiB)")
            XCTAssertLessThanOrEqual(parse, Self.budget, "parsing \(name) \(d) deep")
            XCTAssertLessThanOrEqual(run, Self.budget, "running \(name) \(d) deep")
            XCTAssertLessThanOrEqual(release, Self.releaseBudget, "releasing \(name) \(d) deep")
        }
        print("StackCostTests, nesting to the limit (\(ScriptLimits.maxNesting) levels; budget \(Self.budget >> 20) MiB of \(ScriptThread.stackSize >> 20) MiB):\n  "
              + rows.joined(separator: "\n  "))
    }

    func testRecursionStopsWithinTheMeasuredBudget() throws {
        var rows: [String] = []
        for (name, script) in Self.recursions {
            let interp = Interpreter()
            interp.output = { _ in }
            let (message, used) = try ScriptThread.measuringStack { () -> String? in
                do {
                    try interp.run(script, name: "recursion.palm")
                    return nil
                } catch let e as ScriptError {
                    return e.message
                }
            }
            // `catch` turns the innermost error into a value; the others end in it.
            if name != "catch" { XCTAssertTrue(message?.hasPrefix("recursion too deep") == true, "\(name): \(message ?? "no error")") }
            rows.append("\(name): \(used >> 10) KiB, \(used / ScriptLimits.maxNesting) B/level")
            XCTAssertLessThanOrEqual(used, Self.budget, "recursion through \(name)")
        }
        print("StackCostTests, recursion to the limit:\n  " + rows.joined(separator: "\n  "))
    }

    /// A script that loads itself: each `load` parses its copy on top of the stack its callers
    /// use, which the reserve every call checks for (`ScriptLimits.callReserve`) must hold.
    func testSelfLoadingScriptStopsCleanly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("palm-stack-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("self.palm").path
        try "x = \(String(repeating: "(", count: 64))1\(String(repeating: ")", count: 64))\nload(\"\(path)\")\n".write(toFile: path, atomically: true, encoding: .utf8)
        let interp = Interpreter()
        let (message, used) = try ScriptThread.measuringStack { () -> String? in
            do {
                try interp.run("load(\"\(path)\")")
                return nil
            } catch let e as ScriptError {
                return e.message
            }
        }
        XCTAssertTrue(message?.hasPrefix("recursion too deep") == true, message ?? "no error")
        print("StackCostTests, a self-loading script: \(used >> 10) KiB")
        XCTAssertLessThanOrEqual(used, Self.budget)
        // The parse a `load` starts at the deepest point must fit in the reserve.
        XCTAssertLessThan(Self.budget, ScriptLimits.callReserve)
    }
}
