import Foundation
import XCTest
import Bindings
import ScriptCore

/// Every script path that makes a tensor, a list or a string consults the one allocation cap and
/// the memory budget first (`AllocationBudget`): each case here would otherwise allocate far
/// past a small budget, and must end in a script error naming what was asked for. In-process:
/// the budget is lowered to 64 MiB for each test and restored after.
final class AllocationBudgetTests: XCTestCase {
    var savedBudget = 0

    override class func setUp() {
        super.setUp()
        Bindings.register()  // bar() and coop() are host bindings
    }

    override func setUp() {
        savedBudget = AllocationBudget.memoryBudget
        // Above what the test process already holds, so only the cases' requests pass it.
        AllocationBudget.memoryBudget = AllocationBudget.residentBytes() + (64 << 20)
    }

    override func tearDown() {
        AllocationBudget.memoryBudget = savedBudget
    }

    /// The message of the error `text` raises (fails when it raises none).
    func failure(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let interp = Interpreter()
        interp.output = { _ in }
        do {
            try interp.run(text, name: "budget.palm")
            XCTFail("no error from: \(text.prefix(200))", file: file, line: line)
            return ""
        } catch let e as ScriptError {
            return e.message
        } catch {
            return "\(error)"
        }
    }

    func assertRefused(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let message = failure(text, file: file, line: line)
        XCTAssertTrue(message.contains(expected), "\(text.prefix(120)): '\(message)' lacks '\(expected)'", file: file, line: line)
    }

    func testTensorConstructorsAndOperators() {
        let big = "tensor of 100 000 000 elements (381 MiB)"
        assertRefused("x = zeros(10000, 10000)", big)
        assertRefused("x = ones([10000, 10000])", big)
        assertRefused("x = full([10000, 10000], 1)", big)
        assertRefused("x = randn(10000, 10000)", big)
        assertRefused("x = rand(10000, 10000, seed: 1)", big)
        assertRefused("x = arange(100000000)", big)
        assertRefused("x = zeros(100000000000000, 100000000000000, 100000000000000)", "tensor of more than 9 223 372 036 854 775 807 elements")
        assertRefused("x = ones(10000, 1) + ones(1, 10000)", big)
        assertRefused("x = ones(10000, 1) * ones(1, 10000)", big)
        assertRefused("x = ones(10000, 1) >= ones(1, 10000)", big)
        assertRefused("x = eq(ones(10000, 1), ones(1, 10000))", big)
        assertRefused("x = where(ones(10000, 1), 1, ones(1, 10000))", big)
        assertRefused("x = ones(10000, 1) @ ones(1, 10000)", big)
        assertRefused("x = ones(10000, 1).matmul(ones(1, 10000))", big)
        assertRefused("x = cosine(ones(10000, 2), ones(10000, 2))", big)
        // An operand BLAS cannot take as it is (every other row and column) is copied over the
        // whole batch it is broadcast to.
        assertRefused("a = ones(1, 2000, 2000)[:, ::2, ::2]\nx = a @ ones(100, 1000, 1)", "tensor of 100 000 elements")
        assertRefused("t = ones(100, 1000)\nl = [t]\nfor i in 0..<10 { l = l + l }\nx = stack(l)", "tensor of 102 400 000 elements")
        assertRefused("t = ones(1000, 1000)\ni = [0]\nfor k in 0..<17 { i = i + i }\nx = t[i]", "tensor of 131 072 000 elements")
        // Nested lists that hold one list many times multiply out past anything the script built.
        assertRefused("a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nfor i in 0..<14 { a = [a, a, a, a, a, a, a, a, a, a] }\nt = tensor(a)",
                      "tensor of 1 000 000 000 000 000 elements")
    }

    func testListsAndStrings() {
        assertRefused("x = permutation(100000000)", "list of 100 000 000 elements")
        assertRefused("x = list(range(100000000))", "list of 100 000 000 elements")
        assertRefused("x = sorted(range(100000000))", "list of 100 000 000 elements")
        // tolist counts the rows it makes as well as the numbers.
        assertRefused("x = ones(10000, 1000).tolist()", "list of 10 010 000 elements")
        assertRefused("x = zeros(1000000000, 1000000000, 0).tolist()", "list of 1 000 000 001 000 000 000 elements")
        assertRefused("x = list(ones(10000, 1000))", "list of 10 000 000 elements")
        assertRefused("s = \"ab\"\nfor i in 0..<23 { s = s + s }\nx = list(s)", "list of 16 777 216 elements")
        assertRefused("s = \",\"\nfor i in 0..<22 { s = s + s }\nx = s.split(\",\")", "list of up to 4 194 305 elements")
        assertRefused("s = \"a\"\nfor i in 0..<20 { s = s + s }\nx = s.replace(\"a\", \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\")",
                      "string of up to 96 468 992 bytes")
        assertRefused("s = \"0123456789\"\nfor i in 0..<20 { s = s + s }\nl = [s, s, s, s, s, s, s]\nx = l.join(\",\")", "string of 73 400 326 bytes")
        assertRefused("s = \"0123456789\"\nfor i in 0..<20 { s = s + s }\nprint(s, s, s, s, s, s, s)", "string of 73 400 326 bytes")
        assertRefused("s = \"0123456789\"\nfor i in 0..<20 { s = s + s }\nx = \"\\(s)\\(s)\\(s)\\(s)\\(s)\\(s)\\(s)\"", "string of 73 400 320 bytes")
        assertRefused("s = \"0123456789\"\nwhile true { s = s + s }", "memory budget")
        assertRefused("l = [1]\nwhile true { l = l + l }", "memory budget")
        // A list that holds one list twice at every level: 2^60 elements of text.
        assertRefused("a = [1]\nfor i in 0..<60 { a = [a, a] }\ns = str(a)", "the most a string may hold")
        assertRefused("a = [1]\nfor i in 0..<60 { a = [a, a] }\ns = repr(a)", "the most a string may hold")
        assertRefused("a = [1]\nfor i in 0..<60 { a = [a, a] }\nprint(a)", "the most a string may hold")
        // Quoting doubles a string of quotes: 2^25 of them.
        assertRefused("s = \"\\\"\"\nfor i in 0..<25 { s = s + s }\nx = repr(s)", "string of 67 108 866 bytes")
    }

    func testDisplayOfAHugeValueIsCutNotEndless() throws {
        let interp = Interpreter()
        try interp.run("a = [1]\nfor i in 0..<60 { a = [a, a] }")
        let shown = try XCTUnwrap(interp["a"]).repr
        XCTAssertLessThan(shown.utf8.count, Value.displayLimit + 100)
        XCTAssertTrue(shown.hasSuffix("... (cut at 16 MiB)"), String(shown.suffix(40)))
    }

    func testHostBindings() {
        // Padding ragged rows: one long row among many short ones.
        assertRefused("long = list(range(300000))\nrows = [long]\nfor i in 0..<10 { rows = rows + rows }\np = bar(rows)", "list of 307 200 000 elements")
        // Rows of a line chart: what they add up to is checked before they are copied.
        assertRefused("long = list(range(300000))\nrows = [long]\nfor i in 0..<10 { rows = rows + rows }\np = line(long, rows)", "list of 307 200 000 elements")
        // CoOp's context vectors are checked against the prompt before the learner makes them.
        assertRefused("m = pengi_random()\nl = coop(m, [\"a\", \"b\"], n_ctx: 1000000000)", "n_ctx 1000000000 does not fit in the model's prompts")
        // A tokenizer that pads nothing (BERT's, RoBERTa's) is bounded by its position limit,
        // not by the length of an empty prompt: the paper's 16 vectors fit, a billion do not.
        for m in ["model(\"msclap-2022-random:tiny\")", "model(\"laion-clap-random:tiny\")"] {
            let interp = Interpreter()
            XCTAssertNoThrow(try interp.run("m = \(m)\nl = coop(m, [\"a\", \"b\"])\nl2 = cocoop(m, [\"a\", \"b\"], n_ctx: 16, seed: 2)"), m)
            assertRefused("m = \(m)\nl = coop(m, [\"a\", \"b\"], n_ctx: 1000000000)", "n_ctx 1000000000 does not fit in the model's prompts")
        }
    }

    func testMatmulCountsOnlyTheCopiesItMakes() throws {
        // A transpose goes to BLAS as it is: the product fits although the 36 MB tensor and
        // a copy of it would not (the budget is 64 MiB above what the process held).
        let interp = Interpreter()
        try interp.run("a = ones(3000, 3000)\nx = a.T @ ones(3000, 1)")
        guard case let .tensor(x) = try XCTUnwrap(interp["x"]) else { return XCTFail("x is not a tensor") }
        XCTAssertEqual(x.shape, [3000, 1])
        // (An operand that must be copied is counted: testTensorConstructorsAndOperators.)
    }

    func testGrowthByOneChecksTheCap() {
        XCTAssertNoThrow(try AllocationBudget.requireGrowth(of: 10, .list))
        XCTAssertThrowsError(try AllocationBudget.requireGrowth(of: AllocationBudget.maxElements, .list)) { error in
            XCTAssertEqual((error as? ScriptError)?.message, "list of 2 147 483 647 elements cannot grow: that is the cap per tensor, list or string")
        }
    }

    func testCapAndBudgetMessages() {
        AllocationBudget.memoryBudget = 1 << 50
        XCTAssertThrowsError(try AllocationBudget.requireTensor([100000, 100000])) { error in
            XCTAssertEqual((error as? ScriptError)?.message,
                           "tensor of 10 000 000 000 elements (37 GiB) exceeds the cap of 2 147 483 647 elements per tensor, list or string (the tensor engine indexes with 32-bit integers)")
        }
        AllocationBudget.memoryBudget = 18 << 30
        XCTAssertThrowsError(try AllocationBudget.requireTensor([200000, 200000])) { error in
            XCTAssertEqual((error as? ScriptError)?.message,
                           "tensor of 40 000 000 000 elements (149 GiB) exceeds the memory budget of 18 GiB; palm run --max-memory raises it")
        }
        XCTAssertThrowsError(try AllocationBudget.requireTensor([-1, 4]))
        XCTAssertThrowsError(try AllocationBudget.requireTensor([Int.max, 2, 2]))  // overflows: refused, not wrapped
        XCTAssertNoThrow(try AllocationBudget.requireTensor([1000, 1000]))
        XCTAssertEqual(try AllocationBudget.elementCount(checked: [1 << 40, 1 << 40]), Int.max)
    }

    func testSizesParseAndPrint() {
        XCTAssertEqual(AllocationBudget.parseSize("4G"), 4 << 30)
        XCTAssertEqual(AllocationBudget.parseSize("512M"), 512 << 20)
        XCTAssertEqual(AllocationBudget.parseSize("512mb"), 512 << 20)
        XCTAssertEqual(AllocationBudget.parseSize("1.5GiB"), 3 << 29)
        XCTAssertEqual(AllocationBudget.parseSize("800K"), 800 << 10)
        XCTAssertEqual(AllocationBudget.parseSize("123456"), 123456)
        XCTAssertEqual(AllocationBudget.parseSize("2T"), 2 << 40)
        for bad in ["", "G", "-1G", "0", "lots", "1e30", "nan", "4X"] { XCTAssertNil(AllocationBudget.parseSize(bad), bad) }
        XCTAssertEqual(AllocationBudget.bytesText(300), "300 bytes")
        XCTAssertEqual(AllocationBudget.bytesText(3 << 29), "1.5 GiB")
        XCTAssertEqual(AllocationBudget.bytesText(160_000_000_000), "149 GiB")
        XCTAssertEqual(AllocationBudget.grouped(40_000_000_000), "40 000 000 000")
        XCTAssertEqual(AllocationBudget.grouped(999), "999")
        XCTAssertEqual(AllocationBudget.grouped(-1234), "-1 234")
        // The default: three quarters of what the machine (or its cgroup) has.
        XCTAssertLessThanOrEqual(AllocationBudget.defaultMemoryBudget, Int(ProcessInfo.processInfo.physicalMemory) / 4 * 3)
        XCTAssertGreaterThan(AllocationBudget.defaultMemoryBudget, 0)
        XCTAssertGreaterThan(AllocationBudget.residentBytes(), 1 << 20)
    }
}
