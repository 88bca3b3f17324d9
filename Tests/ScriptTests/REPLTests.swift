import Foundation
import Support
import XCTest
import Bindings
import REPL
import Reports
import ScriptCore

/// The REPL driven through a scripted line reader: auto-print, `;`, `_`, multi-line input,
/// errors that leave the session usable, commands, history persistence, completion, and
/// Ctrl-C (the interrupt flag) during a long loop.
final class REPLTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        Bindings.register()  // as the palm executable does at start-up
    }

    var temp: URL!

    override func setUpWithError() throws {
        temp = FileManager.default.temporaryDirectory.appendingPathComponent("palm-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: temp)
    }

    /// Runs `lines` through a fresh REPL; returns (output, errors, reader).
    func session(_ lines: [String], history: String? = nil, interpreter: Interpreter = Interpreter()) -> ([String], [String], ScriptedLineReader, REPL) {
        var out: [String] = [], err: [String] = []
        let repl = REPL(interpreter: interpreter, historyPath: history, output: { out.append($0) }, errorOutput: { err.append($0) })
        let reader = ScriptedLineReader(lines)
        repl.run(reader: reader)
        return (out, err, reader, repl)
    }

    func testAutoPrintSuppressionAndLastValue() {
        let (out, err, _, _) = session(["x = 41", "x + 1", "_ * 2", "x;", "print(\"p\");", "nil", "\"s\""])
        XCTAssertEqual(out, ["42", "84", "p", "\"s\""])
        XCTAssertEqual(err, [])
    }

    func testMultiLineInputUsesContinuationPrompt() {
        let (out, err, reader, _) = session(["fn f(a) {", "  b = a * 2", "  b + 1", "}", "f(3)", "[1,", " 2]", "1 +", "2"])
        XCTAssertEqual(out, ["7", "[1, 2]", "3"])
        XCTAssertEqual(err, [])
        XCTAssertEqual(reader.prompts.filter { $0 == REPL.continuationPrompt }.count, 5)
    }

    func testElseOnTheLineAfterAClosingBrace() {
        let (out, err, _, _) = session([
            "x = 5", "if x > 3 {", "  print(\"big\")", "}", "else {", "  print(\"small\")", "}", "",
            "if x > 9 {", "print(1)", "} else if x > 7 {", "print(2)", "}", "x + 1",
            "if x < 0 {", "1", "}",
        ])
        XCTAssertEqual(out, ["big", "6"])
        XCTAssertEqual(err, [])
    }

    func testErrorThenContinuedUseOfVariables() {
        let (out, err, _, _) = session(["y = 7", "z = y + nope", "y * 2", "1 +* 2", "y"])
        XCTAssertEqual(out, ["14", "7"])
        XCTAssertEqual(err.count, 2)
        XCTAssertTrue(err[0].hasPrefix("<repl>:1:9: error: unknown name 'nope'"), err[0])
        XCTAssertTrue(err[0].contains("    z = y + nope\n            ^"), err[0])
        XCTAssertTrue(err[1].contains("syntax error: expected an expression, found '*'"), err[1])
    }

    func testCommands() throws {
        let saved = temp.appendingPathComponent("session.palm").path
        let script = temp.appendingPathComponent("lib.palm")
        try "fn triple(x) { x * 3 }\n".write(to: script, atomically: true, encoding: .utf8)
        let (out, err, _, _) = session([
            "a = 2", ":vars", ":load \(script.path)", "triple(a)", ":time triple(5)", ":help zeros", ":save \(saved)",
            ":reset", "a", ":bogus", ":quit", "print(\"after quit\")",
        ])
        XCTAssertEqual(out[0], "a: number = 2")
        XCTAssertEqual(out[1], "6")
        XCTAssertEqual(out[2], "15")
        XCTAssertTrue(out[3].hasPrefix("time: "), out[3])
        XCTAssertTrue(out[4].hasPrefix("zeros(...) -> tensor"), out[4])
        XCTAssertEqual(out[5], "saved 4 entries to \(saved)")
        XCTAssertEqual(out[6], "session reset")
        XCTAssertFalse(out.contains("after quit"))
        XCTAssertEqual(err.count, 2)
        XCTAssertTrue(err[0].contains("unknown name 'a'"))
        XCTAssertTrue(err[1].contains("unknown command ':bogus'"))
        // The saved session replays: running it defines the same things.
        let replay = Interpreter()
        var printed: [String] = []
        replay.output = { printed.append($0) }
        try replay.run(try String(contentsOfFile: saved, encoding: .utf8), name: "session.palm")
        XCTAssertEqual(try replay.run("triple(a)").map(\.repr), "6")
    }

    func testHistoryPersistsAcrossSessions() throws {
        let path = temp.appendingPathComponent("history").path
        _ = session(["first = 1", "fn g() {", "2 }", ":vars"], history: path)
        let (out, _, _, repl) = session([":history"], history: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "first = 1\nfn g() {\n2 }\n:vars\n:history\n")
        XCTAssertEqual(repl.history.count, 5)
        XCTAssertEqual(out, ["1  first = 1", "2  fn g() {", "3  2 }", "4  :vars", "5  :history"])
    }

    func testInterruptStopsALoopAndKeepsVariables() {
        let interp = Interpreter()
        interp.define(Builtin(Doc("press_ctrl_c", "test hook: raises the SIGINT flag")) { _, _ in
            Interrupt.flag = 1
            return .nil
        })
        let (out, err, _, _) = session(["i = 0", "while true { i += 1; if i == 100 { press_ctrl_c() } }", "i", "i + 1"], interpreter: interp)
        XCTAssertEqual(err.count, 1)
        XCTAssertTrue(err[0].contains("interrupted"), err[0])
        XCTAssertEqual(out, ["100", "101"])
    }

    /// An error in a very long line shows a window of about 100 characters around the caret,
    /// marked with "…" where the line was cut, the caret still under the culprit.
    func testErrorInAVeryLongLineShowsAWindowAroundTheCaret() {
        let long = "x = " + String(repeating: "1 + ", count: 300) + "nope" + String(repeating: " + 1", count: 300)
        let (_, err, _, _) = session(["y = 2", long, "y"])
        XCTAssertEqual(err.count, 1)
        let lines = err[0].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        print(err[0])
        XCTAssertTrue(lines[0].hasSuffix("unknown name 'nope'"), lines[0])
        XCTAssertEqual(lines.count, 3, err[0])
        let (source, caret) = (lines[1], lines[2])
        XCTAssertTrue(source.hasPrefix("    …") && source.hasSuffix("…"), source)
        XCTAssertLessThanOrEqual(source.count, 4 + SourceLocation.excerptWidth + 2)
        XCTAssertEqual(String(Array(source)[(caret.count - 1)...].prefix(4)), "nope", "the caret is under the name")
        XCTAssertEqual(caret.last, "^")

        // Near either end of the line only the cut side is marked; a short line is shown whole.
        let cases: [(text: String, column: Int, mark: String)] = [
            ("nope" + String(repeating: " + 1", count: 100), 1, "end"),
            (String(repeating: "1 + ", count: 100) + "nope", 401, "start"),
            ("1 + nope", 5, "none"),
        ]
        for (text, column, mark) in cases {
            let location = SourceLocation(file: SourceFile(name: "l.palm", text: text), line: 1, column: column)
            let shown = location.excerpt.split(separator: "\n").map(String.init)
            XCTAssertEqual(shown[0].hasPrefix("    …"), mark == "start", shown[0])
            XCTAssertEqual(shown[0].hasSuffix("…"), mark == "end", shown[0])
            XCTAssertEqual(String(Array(shown[0])[(shown[1].count - 1)...].prefix(4)), "nope", location.excerpt)
        }
    }

    /// `Interpreter.timeLimit` (`--max-seconds`): an entry that never ends stops with an error
    /// pointing into the loop; the next entry gets a fresh budget and nothing is left pending.
    func testTimeLimitStopsAnEntryAndTheSessionGoesOn() {
        let interp = Interpreter()
        interp.timeLimit = 0.3
        let (out, err, _, _) = session(["x = 0", "while true { x += 1 }", "x > 0"], interpreter: interp)
        XCTAssertEqual(err.count, 1, "\(err)")
        XCTAssertTrue(err[0].hasPrefix("<repl>:1:1: error: time limit of 0.3 s exceeded"), err[0])
        XCTAssertTrue(err[0].contains("\n    ^"), err[0])
        XCTAssertEqual(out, ["true"])
        XCTAssertFalse(Interrupt.requested)
    }

    /// Ctrl-C during a loop says "interrupted" once: the kind, then what stopped.
    func testInterruptIsSaidOnce() {
        let interp = Interpreter()
        interp.define(Builtin(Doc("press_ctrl_c", "test hook: raises the SIGINT flag")) { _, _ in
            Interrupt.flag = 1
            return .nil
        })
        let (_, err, _, _) = session(["for i in 0..<10 { press_ctrl_c() }"], interpreter: interp)
        XCTAssertEqual(err.count, 1)
        XCTAssertEqual(err[0].components(separatedBy: "interrupted").count - 1, 1, err[0])
        XCTAssertTrue(err[0].contains("interrupted: stopped by Ctrl-C"), err[0])
    }

    /// A bare `help` (the built-in as a value) prints what `:help` prints, not `<builtin help>`;
    /// a user's own `help` is printed as any value.
    func testBareHelpPrintsTheHelpText() {
        let (out, err, _, _) = session(["help", ":help", "help;", "help(\"syntax\") == nil", "help = 3", "help"])
        XCTAssertEqual(err, [])
        XCTAssertEqual(out.count, 5, "\(out)")
        XCTAssertEqual(out[0], out[1])
        XCTAssertTrue(out[0].contains(":quit") && out[0].contains("cross_entropy"), out[0])
        XCTAssertFalse(out.contains { $0.contains("<builtin") }, "\(out)")
        XCTAssertEqual(Array(out[3...]), ["true", "3"])
    }

    func testInterruptFlagFromPromptDoesNotStopNextEntry() {
        let (_, _, _, repl) = session([])
        Interrupt.flag = 1
        XCTAssertTrue(repl.submit("s = 0; for k in 0..<10 { s += k }; s"))
        XCTAssertEqual(repl.interpreter["s"]?.repr, "45")
    }

    func testCompletion() throws {
        let (_, _, _, repl) = session(["t = zeros(2, 3)", "m = {alpha: 1}", "fn train(epochs, lr = 0.1) { epochs }"])
        XCTAssertTrue(repl.completions(word: "zer", before: "").contains("zeros"))
        XCTAssertTrue(repl.completions(word: "whi", before: "").contains("while"))
        XCTAssertEqual(repl.completions(word: "t.su", before: "x = "), ["t.sum"])
        XCTAssertTrue(repl.completions(word: "t.", before: "").contains("t.shape"))
        XCTAssertTrue(repl.completions(word: "t.T.", before: "").contains("t.T.mean"))
        XCTAssertEqual(repl.completions(word: "m.al", before: ""), ["m.alpha"])
        XCTAssertEqual(repl.completions(word: "se", before: "randn(2, 3, ").first, "seed:")
        XCTAssertEqual(repl.completions(word: "ep", before: "train(").first, "epochs:")
        XCTAssertEqual(repl.completions(word: "ax", before: "t.sum(").first, "axis:")
        XCTAssertEqual(repl.completions(word: ":hi", before: ""), [":history"])
        try FileManager.default.createDirectory(at: temp.appendingPathComponent("models"), withIntermediateDirectories: true)
        try "".write(to: temp.appendingPathComponent("model.pth"), atomically: true, encoding: .utf8)
        let dir = temp.path + "/"
        XCTAssertEqual(repl.completions(word: dir + "mod", before: "x = load(\""), [dir + "model.pth", dir + "models/"])
        XCTAssertEqual(repl.completions(word: dir + "mod", before: "x = load("), [], "outside a string, a path is not completed")
        XCTAssertEqual(repl.completions(word: dir + "model.", before: ":load "), [dir + "model.pth"])
    }
}

/// Errors: location, line, caret and the script call stack; runScript's exit status;
/// notebook cells.
final class ScriptEntryTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        Bindings.register()  // as the palm executable does at start-up
    }

    func testRuntimeErrorShowsCallStack() {
        let text = "fn inner(x) {\n  x + \"a\"\n}\nfn outer(y) { inner(y) }\nouter(1)\n"
        do {
            try Interpreter().run(text, name: "stack.palm")
            XCTFail("expected an error")
        } catch let e as ScriptError {
            XCTAssertEqual(e.rendered, """
                stack.palm:2:5: type error: right operand of '+': expected number or tensor, found string
                      x + "a"
                        ^
                  in inner called at stack.palm:4:15
                  in outer called at stack.palm:5:1
                """)
        } catch {
            XCTFail("\(error)")
        }
    }

    func testErrorInsideInterpolationPointsIntoTheString() {
        do {
            try Interpreter().run("x = 1\ns = \"value: \\(x + nil)!\"\n", name: "i.palm")
            XCTFail("expected an error")
        } catch let e as ScriptError {
            XCTAssertEqual(e.location?.line, 2)
            XCTAssertEqual(e.location?.column, 17)  // the '+' inside \( )
        } catch {
            XCTFail("\(error)")
        }
    }

    func testHelpTopics() {
        let interp = Interpreter()
        XCTAssertTrue(interp.helpText(topic: "syntax").contains("string interpolation"))
        XCTAssertTrue(interp.helpText(topic: "tensor").contains(".sum(axis: nil, keep_dims: false) -> tensor"))
        XCTAssertTrue(interp.helpText(nil).contains("cross_entropy"))
        XCTAssertTrue(interp.helpText(topic: "cros").contains("see: cross_entropy"))
        // Every built-in function and method has a summary, and every parameter a description;
        // every built-in is in the registry.
        XCTAssertGreaterThan(interp.docs.count, 100)
        for (name, doc) in interp.docs {
            XCTAssertFalse(doc.summary.isEmpty, name)
            for p in doc.params { XCTAssertFalse(p.doc.isEmpty, "\(name).\(p.name)") }
        }
        for name in interp.builtinNames { XCTAssertNotNil(interp.docs[name], name) }
        for method in ["tensor.sum", "tensor.reshape", "list.append", "string.split", "map.get"] {
            XCTAssertNotNil(interp.docs[method], method)
        }
    }

    func testRunScriptExitStatus() throws {
        let dir = FileManager.default.temporaryDirectory
        let good = dir.appendingPathComponent("palm-good-\(UUID().uuidString).palm")
        let bad = dir.appendingPathComponent("palm-bad-\(UUID().uuidString).palm")
        defer { try? FileManager.default.removeItem(at: good); try? FileManager.default.removeItem(at: bad) }
        try "x = args.count\n".write(to: good, atomically: true, encoding: .utf8)
        try "x = 1 +\n".write(to: bad, atomically: true, encoding: .utf8)
        let interp = Interpreter()
        XCTAssertEqual(runScript(path: good.path, arguments: ["a", "b"], interpreter: interp), 0)
        XCTAssertEqual(interp["x"]?.repr, "2")
        XCTAssertEqual(runScript(path: bad.path), 1)
        XCTAssertEqual(runScript(path: "/nonexistent/x.palm"), 1)
    }

    func testNotebookKeepsCellsProseAndOutput() throws {
        let url = LanguageTests.scriptsDirectory.appendingPathComponent("notebook_cells.palm")
        let nb = try Notebook(file: SourceFile(name: "nb.palm", text: try String(contentsOf: url, encoding: .utf8)))
        XCTAssertEqual(nb.cells.map(\.title), ["Setup", "Use", nil])
        XCTAssertEqual(nb.cells[0].prose, ["This cell sets things up; `#'` lines are Markdown prose and `#%%` starts a cell."])
        XCTAssertEqual(nb.cells[1].statements.count, 1)
        XCTAssertTrue(nb.cells[1].code.hasPrefix("print(x * 21)"))
        func texts(_ cell: Report.Cell) -> [String] { cell.items.compactMap { if case let .text(t) = $0 { return t } else { return nil } } }
        let (report, error) = nb.report(in: Interpreter(), title: "nb")
        XCTAssertEqual(report.cells.map(texts), [["setup"], ["42"], ["untitled cell"]])
        XCTAssertNil(error)
        XCTAssertTrue(report.cells.allSatisfy { $0.error == nil })
        // A failing cell stops the run and carries its error.
        let failing = try Notebook(file: SourceFile(name: "f.palm", text: "#%% a\nprint(1)\n#%% b\nboom()\n#%% c\nprint(3)\n"))
        let r = failing.report(in: Interpreter(), title: "f")
        XCTAssertEqual(r.report.cells.count, 2)
        XCTAssertEqual(r.error?.message, "unknown name 'boom'")
    }
}
