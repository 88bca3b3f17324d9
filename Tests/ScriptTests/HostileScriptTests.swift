import Foundation
import XCTest
import TestSupport

/// Issue 14's script reproducers, each run by the built `palm` as a child process: before the
/// fixes each one ended in SIGSEGV (stack overflow), an abort (exit 134 on an allocation past
/// any cap) or a hang; now each must exit 1 with a clear error, naming the file, line and
/// column with a caret where the language has them.
final class HostileScriptTests: XCTestCase {
    static let nestingLimit = "expression nested too deeply (limit 8192)"

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("palm-hostile-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes `text` as `name` and runs `palm run` on it (`options` go before the script).
    @discardableResult
    func run(_ name: String, _ text: String, options: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> ProcessOutcome {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try PalmProcess.run(["run"] + options + [path], timeout: 60)
    }

    /// Asserts a clean failure (exit 1, no signal, no hang) whose stderr holds `message`.
    func assertCleanFailure(_ outcome: ProcessOutcome, _ message: String, caret: Bool = true, _ what: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(outcome.isCleanFailure, "\(what): \(outcome)", file: file, line: line)
        XCTAssertTrue(outcome.stderr.contains(message), "\(what): expected '\(message)' in\n\(outcome.stderr.prefix(600))", file: file, line: line)
        if caret {
            XCTAssertTrue(outcome.stderr.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "^" },
                          "\(what): no caret line in\n\(outcome.stderr.prefix(600))", file: file, line: line)
        }
    }

    func repeated(_ s: String, _ n: Int) -> String { String(repeating: s, count: n) }

    // MARK: Deliver 2: the stack

    func testLeftGrowingChainsAreRefusedWithACaret() throws {
        let chains: [(String, String)] = [
            ("plus-17000.palm", "x = 1" + repeated("+1", 16_999) + "\n"),  // the issue's shortest crash
            ("plus.palm", "x = 1" + repeated("+1", 99_999) + "\n"),
            ("fields.palm", "x = 1" + repeated(".a", 20_000) + "\n"),
            ("indexes.palm", "x = [1]" + repeated("[0]", 20_000) + "\n"),
            ("calls.palm", "fn f(a) { f }\nf(1)" + repeated("(1)", 20_000) + "\n"),
            ("and.palm", "x = true" + repeated(" and true", 20_000) + "\n"),
            ("or.palm", "x = false" + repeated(" or false", 20_000) + "\n"),
            ("matmul.palm", "o = ones(1, 1)\nx = o" + repeated(" @ o", 20_000) + "\n"),
        ]
        for (name, text) in chains {
            let outcome = try run(name, text)
            assertCleanFailure(outcome, Self.nestingLimit, name)
            XCTAssertTrue(outcome.stderr.contains("\(name):"), "\(name): the error names the file\n\(outcome.stderr.prefix(300))")
        }
    }

    func testDeepNestingIsRefusedWithACaret() throws {
        let nestings: [(String, String)] = [
            ("parens.palm", "x = " + repeated("(", 20_000) + "1" + repeated(")", 20_000) + "\n"),
            ("lists.palm", "x = " + repeated("[", 20_000) + "1" + repeated("]", 20_000) + "\n"),
            ("negations.palm", "x = " + repeated("-(", 20_000) + "1" + repeated(")", 20_000) + "\n"),
            ("nested-calls.palm", "fn f(a) { a }\nx = " + repeated("f(", 20_000) + "1" + repeated(")", 20_000) + "\n"),
            ("nested-functions.palm", repeated("fn f() { ", 20_000) + "1" + repeated(" }", 20_000) + "\n"),
            ("nested-ifs.palm", repeated("if true { ", 20_000) + "1" + repeated(" }", 20_000) + "\n"),
            ("else-ifs.palm", "if false { 0 }" + repeated(" else if false { 0 }", 20_000) + "\n"),
            ("powers.palm", "x = 2" + repeated(" ^ 1", 20_000) + "\n"),
        ]
        for (name, text) in nestings {
            assertCleanFailure(try run(name, text), Self.nestingLimit, name)
        }
        // Strings in interpolations have a tighter bound: each level is scanned again by every
        // level around it (20 000 levels took minutes).
        assertCleanFailure(try run("interpolations.palm", "x = " + repeated("\"\\(", 20_000) + "1" + repeated(")\"", 20_000) + "\n"),
                           "string interpolations nested too deeply (limit 32)", "nested interpolations")
        let fine = try run("interpolations-ok.palm", "print(" + repeated("\"<\\(", 32) + "1" + repeated(")>\"", 32) + ")\n")
        XCTAssertEqual(fine.stdout, repeated("<", 32) + "1" + repeated(">", 32) + "\n", "\(fine)")
    }

    func testNewlinesInsideBracketsDoNotRecurse() throws {
        // The lexer used to recurse once per newline inside brackets.
        let outcome = try run("newlines.palm", "x = (" + repeated("\n", 1_000_000) + "1)\nprint(x)\n")
        XCTAssertEqual(outcome.status, 0, "\(outcome)")
        XCTAssertEqual(outcome.stdout, "1\n")
    }

    func testRunawayRecursionIsACleanError() throws {
        let recursions: [(String, String)] = [
            ("recursion.palm", "fn f(n) { if n == 0 { 0 } else { 1 + f(n - 1) } }\nprint(f(1000000))\n"),
            ("mutual.palm", "fn a(n) { b(n + 1) }\nfn b(n) { a(n + 1) }\na(0)\n"),
            ("through-map.palm", "fn h(n) { [n].map(fn(x) { h(x + 1) }) }\nh(0)\n"),
            ("through-default.palm", "fn d(n, m = d(n + 1)) { m }\nd(0)\n"),
        ]
        for (name, text) in recursions {
            let outcome = try run(name, text)
            assertCleanFailure(outcome, "recursion too deep (", name)
            // Thousands of identical frames print as one line and a count.
            XCTAssertLessThan(outcome.stderr.split(separator: "\n").count, 12, "\(name):\n\(outcome.stderr.prefix(1000))")
        }
        // Mutual recursion repeats a cycle of two frames: shown once, with a count.
        let mutual = try run("mutual2.palm", "fn a(n) { b(n + 1) }\nfn b(n) { a(n + 1) }\na(0)\n")
        XCTAssertTrue(mutual.stderr.contains("... the same 2 calls "), mutual.stderr)
    }

    func testStepLimitStopsAScriptThatNeverEnds() throws {
        assertCleanFailure(try run("loop.palm", "while true { }\n", options: ["--max-steps", "100"]),
                           "step limit of 100 exceeded (loop iterations plus calls)", "--max-steps before the script")
        let path = directory.appendingPathComponent("loop.palm").path
        assertCleanFailure(try PalmProcess.run(["run", path, "--max-steps", "100"], timeout: 20),
                           "step limit of 100 exceeded", "--max-steps after the script")
        let zero = try PalmProcess.run(["run", "--max-steps", "0", path], timeout: 20)
        XCTAssertNotEqual(zero.status, 0, "\(zero)")
        XCTAssertTrue(zero.stderr.contains("--max-steps: '0' is not a positive whole number"), zero.stderr)
    }

    /// `--max-seconds S`: a run that never ends stops with an error after S seconds of wall
    /// clock, before or after the script name, in `palm run` and per entry in `palm repl`
    /// (where the session goes on), beside `--max-steps`.
    func testTimeLimitStopsAScriptThatNeverEnds() throws {
        assertCleanFailure(try run("spin.palm", "x = 0\nwhile true { x += 1 }\n", options: ["--max-seconds", "1"]),
                           "time limit of 1 s exceeded", "--max-seconds before the script")
        let path = directory.appendingPathComponent("spin.palm").path
        assertCleanFailure(try PalmProcess.run(["run", path, "--max-seconds", "0.5"], timeout: 20),
                           "time limit of 0.5 s exceeded", "--max-seconds after the script")
        for bad in ["0", "-1", "soon"] {
            let refused = try PalmProcess.run(["run", path, "--max-seconds", bad], timeout: 20)
            XCTAssertTrue(refused.signal == nil && refused.status != 0, "\(refused)")
            XCTAssertTrue(refused.stderr.contains("--max-seconds: '\(bad)' is not a positive number of seconds"), refused.stderr)
        }

        // The REPL: each entry has the budgets (a slow loop runs out of time, a fast one out of
        // steps); the session goes on after either.
        let repl = try PalmProcess.run(["repl", "--history", "/dev/null", "--max-seconds", "1", "--max-steps", "100000"],
                                       input: "while true { x = randn(200, 200) @ randn(200, 200) }\nprint(\"after \" + \"time\")\n"
                                           + "for i in 0..<1000000 { }\nprint(\"after \" + \"steps\")\n",
                                       timeout: 30)
        XCTAssertEqual(repl.status, 0, "\(repl)")
        XCTAssertTrue(repl.stderr.contains("time limit of 1 s exceeded"), repl.stderr)
        XCTAssertTrue(repl.stderr.contains("step limit of 100000 exceeded"), repl.stderr)
        XCTAssertEqual(repl.stdout.split(separator: "\n"), ["after time", "after steps"], "\(repl)")
    }

    func testScriptThatLoadsItselfStopsCleanly() throws {
        let path = directory.appendingPathComponent("self.palm").path
        assertCleanFailure(try run("self.palm", "load(\"\(path)\")\n"), "recursion too deep (", "self-loading script")
    }

    // MARK: Deliver 3: allocations

    func testAllocationsPastTheBudgetAreCleanErrors() throws {
        let scripts: [(String, String, String)] = [
            ("permutation.palm", "x = permutation(1e12)\n", "list of 1 000 000 000 000 elements"),
            ("matmul-outer.palm", "x = ones(200000, 1) @ ones(1, 200000)\n", "tensor of 40 000 000 000 elements"),
            ("broadcast-add.palm", "x = ones(200000, 1) + ones(1, 200000)\n", "tensor of 40 000 000 000 elements"),
            ("broadcast-compare.palm", "x = ones(200000, 1) < ones(1, 200000)\n", "tensor of 40 000 000 000 elements"),
            ("matmul-builtin.palm", "x = matmul(ones(200000, 1), ones(1, 200000))\n", "tensor of 40 000 000 000 elements"),
            ("zeros.palm", "x = zeros(100000, 100000, 100000)\n", "exceeds the memory budget"),
            // Reducing an empty axis makes a result larger than its input.
            ("empty-sum.palm", "x = zeros(100000, 100000, 0).sum(axis: 2)\n", "tensor of 10 000 000 000 elements"),
            ("empty-mean.palm", "x = zeros(100000, 0, 100000).mean(axis: 1, keep_dims: true)\n", "tensor of 10 000 000 000 elements"),
            ("range-list.palm", "x = list(range(1e12))\n", "list of 1 000 000 000 000 elements"),
            ("aliased-tensor.palm", "a = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nfor i in 0..<15 { a = [a, a, a, a, a, a, a, a, a, a] }\nt = tensor(a)\n",
             "tensor of 10 000 000 000 000 000 elements"),
            // A gather repeating one row: 8 388 608 rows of 1000.
            ("gather.palm", "t = ones(1000, 1000)\ni = [0]\nfor k in 0..<23 { i = i + i }\nx = t[i]\n", "tensor of 8 388 608 000 elements"),
            ("concat.palm", "t = ones(1000, 1000)\nl = [t]\nfor k in 0..<13 { l = l + l }\nx = concat(l)\n", "tensor of 8 192 000 000 elements"),
        ]
        // An explicit budget, so what is refused does not depend on this machine's memory.
        for (name, text, message) in scripts {
            assertCleanFailure(try run(name, text, options: ["--max-memory", "4G"]), message, name)
        }
        // The budget message says how to raise it.
        let outcome = try run("permutation2.palm", "x = permutation(1e12)\n")
        XCTAssertTrue(outcome.stderr.contains("palm run --max-memory raises it"), outcome.stderr)
    }

    func testFormatWidthsCannotAllocate() throws {
        // The issue's reproducer: fmt takes a number and 0...17 decimals, never a width.
        assertCleanFailure(try run("fmt.palm", "x = fmt(\"%1000000000d\", 1)\n"), "fmt argument 'x': expected number, found string", "fmt format string")
        assertCleanFailure(try run("fmt2.palm", "x = fmt(1, 1000000000)\n"), "fmt: digits must be in 0...17", "fmt digits")
    }

    func testGrowingStringsAndListsStopAtTheBudget() throws {
        // Doubling a string reaches the budget after a few dozen steps.
        assertCleanFailure(try run("doubling.palm", "s = \"x\"\nwhile true { s = s + s }\n", options: ["--max-memory", "256M"]),
                           "the memory budget of 256 MiB", "string doubling")
        assertCleanFailure(try run("interpolation.palm", "s = \"x\"\nwhile true { s = \"\\(s)\\(s)\" }\n", options: ["--max-memory", "256M"]),
                           "the memory budget of 256 MiB", "interpolation doubling")
        // A list appended to one element at a time: the periodic check of resident memory.
        assertCleanFailure(try run("append.palm", "l = []\nwhile true { l.append(1) }\n", options: ["--max-memory", "100M"]),
                           "exceeds the memory budget of 100 MiB", "list append loop")
        // One list that holds another twice, 60 levels deep: its text would never end.
        assertCleanFailure(try run("aliased-text.palm", "a = [1]\nfor i in 0..<60 { a = [a, a] }\ns = str(a)\n", options: ["--max-memory", "256M"]),
                           "the most a string may hold", "text of an aliased list")
        assertCleanFailure(try run("join.palm", "s = \"xxxxxxxxxx\"\nfor i in 0..<20 { s = s + s }\nl = [s]\nfor i in 0..<11 { l = l + l }\nx = l.join(\",\")\n",
                                   options: ["--max-memory", "512M"]), "string of 21 474 838 527 bytes", "join")
    }

    func testMaxMemoryOptionIsValidated() throws {
        let outcome = try run("ok.palm", "print(1)\n", options: ["--max-memory", "lots"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertNil(outcome.signal)
        XCTAssertTrue(outcome.stderr.contains("--max-memory: 'lots' is not a size"), outcome.stderr)
        let fine = try run("ok2.palm", "print(1)\n", options: ["--max-memory", "1G"])
        XCTAssertEqual(fine.status, 0, "\(fine)")
        XCTAssertEqual(fine.stdout, "1\n")
    }

    // MARK: Deliver 4: scripts that are not regular files

    func testFIFOAsScriptIsRefusedBeforeOpen() throws {
        let fifo = directory.appendingPathComponent("fifo.palm").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // A writer that never writes: open(2) for reading would block for ever.
        let holder = open(fifo, O_RDWR | O_NONBLOCK)
        defer { if holder >= 0 { close(holder) } }
        let outcome = try PalmProcess.run(["run", fifo], timeout: 20)
        assertCleanFailure(outcome, "cannot read \(fifo) as a script: it is a FIFO (named pipe), which would block", caret: false, "palm run FIFO")
        // The same FIFO through load, read_file and --report.
        assertCleanFailure(try run("load-fifo.palm", "load(\"\(fifo)\")\n"), "it is a FIFO (named pipe)", "load FIFO")
        assertCleanFailure(try run("read-fifo.palm", "x = read_file(\"\(fifo)\")\n"), "it is a FIFO (named pipe)", "read_file FIFO")
        let report = directory.appendingPathComponent("r.html").path
        let reportOutcome = try PalmProcess.run(["run", "--report", report, fifo], timeout: 20)
        assertCleanFailure(reportOutcome, "it is a FIFO (named pipe)", caret: false, "palm run --report FIFO")
    }

    func testDevicesAndDirectoriesAsScriptsAreRefused() throws {
        assertCleanFailure(try PalmProcess.run(["run", "/dev/zero"], timeout: 20), "cannot read /dev/zero as a script: it is a character device", caret: false, "/dev/zero")
        assertCleanFailure(try PalmProcess.run(["run", directory.path], timeout: 20), "it is a directory", caret: false, "a directory")
        assertCleanFailure(try run("read-zero.palm", "x = read_file(\"/dev/zero\")\n"), "it is a character device", "read_file /dev/zero")
        assertCleanFailure(try run("load-urandom.palm", "load(\"/dev/urandom\")\n"), "it is a character device", "load /dev/urandom")
    }

    func testREPLKeepsItsSessionAfterRefusals() throws {
        let fifo = directory.appendingPathComponent("repl.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let input = """
            x = 41
            :load \(fifo)
            y = ones(200000, 1) @ ones(1, 200000)
            z = 1\(repeated("+1", 10_000))
            fn f() { f() }
            f()
            print(x + 1)

            """
        let outcome = try PalmProcess.run(["repl", "--history", directory.appendingPathComponent("h").path], input: input, timeout: 30)
        XCTAssertEqual(outcome.status, 0, "\(outcome)")
        XCTAssertEqual(outcome.stdout, "42\n")
        for message in ["it is a FIFO (named pipe)", "exceeds the memory budget", Self.nestingLimit, "recursion too deep ("] {
            XCTAssertTrue(outcome.stderr.contains(message), "REPL stderr lacks '\(message)':\n\(outcome.stderr.prefix(1500))")
        }
    }

    // MARK: Formatting

    func testEmptyTensorsUnderHugeDimensionsPrintAtOnce() throws {
        // Formatting used to list every empty row: [1000000000, 1000000000, 0] never ended.
        let outcome = try run("empty.palm", "print(zeros(100000000, 0))\nprint(zeros(1000000000, 1000000000, 0))\n")
        XCTAssertEqual(outcome.status, 0, "\(outcome)")
        XCTAssertEqual(outcome.stdout, "tensor([], shape: [100000000, 0])\ntensor([], shape: [1000000000, 1000000000, 0])\n")
        assertCleanFailure(try run("empty-tolist.palm", "x = zeros(1000000000, 1000000000, 0).tolist()\n"),
                           "list of 1 000 000 001 000 000 000 elements", "tolist of an empty tensor")
    }
}
