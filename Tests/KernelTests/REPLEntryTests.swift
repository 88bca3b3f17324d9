import Foundation
import REPL
import ScriptCore
import XCTest

/// What the kernel takes from the REPL: whether an entry is complete, completion at a cursor
/// in a multi-line cell, and running an entry without printing it.
final class REPLEntryTests: XCTestCase {
    func testInputStatus() {
        let repl = REPL(historyPath: nil, output: { _ in }, errorOutput: { _ in })
        XCTAssertEqual(repl.inputStatus("x = 1"), .complete)
        XCTAssertEqual(repl.inputStatus("f(1,"), .incomplete)
        XCTAssertEqual(repl.inputStatus("for i in 0..<3 {\n  print(i)"), .incomplete)
        XCTAssertEqual(repl.inputStatus("x = )"), .invalid)
        XCTAssertTrue(repl.needsMoreInput("[1,"))
    }

    func testCompletionAtACursorInACell() throws {
        let repl = REPL(historyPath: nil, output: { _ in }, errorOutput: { _ in })
        try repl.interpreter.run("values = [1]\nvalue_count = 2")
        let cell = "x = 1\ny = valu + 1"
        let cursor = "x = 1\ny = valu".unicodeScalars.count
        let (start, matches) = repl.completions(in: cell, cursor: cursor)
        XCTAssertEqual(start, "x = 1\ny = ".unicodeScalars.count)
        XCTAssertEqual(matches, ["value_count", "values"])
        // Positions count Unicode scalars: an "é" written as e + combining accent is two.
        let accented = "s = \"e\u{301}\"\nvalu"
        XCTAssertEqual(repl.completions(in: accented, cursor: accented.unicodeScalars.count).start, accented.unicodeScalars.count - 4)
        XCTAssertEqual(repl.completions(in: "values.cou", cursor: 10).candidates, ["values.count"])
    }

    func testEvaluateGivesTheValueWithoutPrinting() throws {
        var printed: [String] = []
        let repl = REPL(historyPath: nil, output: { printed.append($0) }, errorOutput: { printed.append($0) })
        guard case let .value(v) = try repl.evaluate("print(\"hi\")\n40 + 2") else { return XCTFail("no value") }
        XCTAssertEqual(v.repr, "42")
        XCTAssertEqual(printed, ["hi"])
        XCTAssertEqual(repl.interpreter["_"]?.repr, "42")
        guard case .nothing = try repl.evaluate("y = 1") else { return XCTFail("a statement gave a value") }
        guard case let .help(text) = try repl.evaluate("help") else { return XCTFail("bare help") }
        XCTAssertTrue(text.contains(":vars"))
        XCTAssertThrowsError(try repl.evaluate("nope"))
        XCTAssertEqual(repl.sessionEntries, ["print(\"hi\")\n40 + 2", "y = 1", "help"])
    }
}
