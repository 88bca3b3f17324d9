import Foundation
import XCTest
import Bindings
import REPL
import Reports
import ScriptCore

/// Later layers (models, datasets, learners) bind their types through `HostObject` and
/// `Interpreter.define` without touching the interpreter: this test plays such a layer.
final class HostObjectTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        Bindings.register()  // as the palm executable does at start-up
    }

    /// A stand-in for a dataset: a read-only field, an assignable one, and a method.
    final class Shelf: HostObject {
        var items: [String] = []
        var label = "shelf"
        var typeName: String { "shelf" }
        var typeSummary: String { "a list of names" }
        var description: String { "<shelf \(label): \(items.count) items>" }
        var fieldDocs: [(name: String, doc: String)] { [("count", "number of items"), ("label", "a name (assignable)")] }
        func field(_ name: String) throws -> Value? {
            switch name {
            case "count": return .int(items.count)
            case "label": return .string(label)
            default: return nil
            }
        }
        func setField(_ name: String, _ value: Value) throws {
            guard name == "label" else { throw ScriptError.runtime("cannot assign field '\(name)' of shelf") }
            label = try value.asString("shelf.label")
        }
        var methods: [Builtin] {
            [Builtin(Doc("shelf.add", "Adds an item.", params: [Param("item", "a name"), Param("times", "how often", default: "1")])) { [unowned self] args, _ in
                for _ in 0..<(try args.int(1, default: 1)) { self.items.append(try args.string(0)) }
                return .int(self.items.count)
            }]
        }
    }

    func makeInterpreter() -> Interpreter {
        let interp = Interpreter()
        interp.define(Builtin(Doc("shelf", "A new empty shelf.", returns: "shelf")) { _, _ in .host(Shelf()) })
        return interp
    }

    func testFieldsMethodsHelpAndErrors() throws {
        let interp = makeInterpreter()
        var out: [String] = []
        interp.output = { out.append($0) }
        try interp.run("""
            s = shelf()
            s.add("a")
            print(s.add("b", times: 2), s.count, type(s), s)
            s.label = "mine"
            print(s.label, s)
            help(s)
            print(catch(fn() { s.cont }))
            print(catch(fn() { s.count = 3 }))
            print(catch(fn() { s.add(1) }))
            print(catch(fn() { s.add("x", time: 2) }))
            """)
        XCTAssertEqual(out, [
            "3 3 shelf <shelf shelf: 3 items>",
            "mine <shelf mine: 3 items>",
            "shelf: a list of names\nfields:\n  .count: number of items\n  .label: a name (assignable)\nmethods:\n  .add(item, times: 1)\n      Adds an item.",
            "shelf has no field or method 'cont' (did you mean 'count'?)",
            "cannot assign field 'count' of shelf",
            "shelf.add argument 'item': expected string, found number",
            "shelf.add has no parameter 'time' (parameters: item, times)",
        ])
    }

    func testCompletionSeesHostMembersAndKeywords() throws {
        let repl = REPL(interpreter: makeInterpreter(), historyPath: nil, output: { _ in }, errorOutput: { _ in })
        repl.submit("s = shelf()")
        XCTAssertEqual(repl.completions(word: "s.", before: ""), ["s.add", "s.count", "s.label"])
        XCTAssertEqual(repl.completions(word: "ti", before: "s.add(\"x\", ").first, "times:")
    }

    func testRegistrationsSurviveReset() throws {
        Interpreter.registrations.append { $0.defineConstant("answer", .int(42), doc: "test constant") }
        defer { Interpreter.registrations.removeLast() }
        let interp = Interpreter()
        XCTAssertEqual(try interp.run("answer").map(\.repr), "42")
        try interp.run("answer = 1; sum = 5")
        XCTAssertEqual(try interp.run("answer + sum").map(\.repr), "6", "user names shadow built-ins")
        interp.reset()
        XCTAssertEqual(try interp.run("answer").map(\.repr), "42")
        XCTAssertEqual(try interp.run("sum(ones(3))").map(\.repr), "tensor(3)", ":reset brings shadowed built-ins back")
        XCTAssertTrue(interp.helpText(topic: "answer").contains("test constant"))
    }
}

/// `palm` with stdin not a terminal reads plain lines: no prompts, results on stdout, errors
/// on stderr, and the session goes on after an error.
final class PlainInputTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        Bindings.register()  // as the palm executable does at start-up
    }

    func testPipedInput() throws {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        guard let host = [dir, dir.deletingLastPathComponent()].map({ $0.appendingPathComponent("palm-repl-test").path })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return XCTFail("palm-repl-test not built; run `swift build --build-tests` first")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: host)
        p.environment = ["PALM_HISTORY": "/dev/null"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = errors
        try p.run()
        input.fileHandleForWriting.write(Data("a = [1,\n 2]\na\nnope\nlen(a) * 10\n".utf8))
        input.fileHandleForWriting.closeFile()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(out, "[1, 2]\n20\n")
        XCTAssertTrue(err.hasPrefix("<repl>:1:1: error: unknown name 'nope'"), err)
    }
}
