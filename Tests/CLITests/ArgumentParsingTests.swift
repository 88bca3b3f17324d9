import ArgumentParser
import CLI
import Foundation
import Prompting
import ScriptCore
import TestSupport
import XCTest

/// The command line's own parsing: dataset locations, seed and method lists, and each
/// command's validation, without running the commands.
final class ArgumentParsingTests: XCTestCase {
    func testDatasetLocations() throws {
        let home = NSHomeDirectory()
        XCTAssertEqual(try DatasetLocation(parsing: "esc50:~/data/ESC-50"), DatasetLocation(layout: "esc50", root: home + "/data/ESC-50"))
        // A layout with a colon of its own: the root is after the last colon.
        XCTAssertEqual(try DatasetLocation(parsing: "palm:ESC50:~/data/x"), DatasetLocation(layout: "palm:ESC50", root: home + "/data/x"))
        XCTAssertEqual(try DatasetLocation(parsing: "csv:meta.csv:/d"), DatasetLocation(layout: "csv:meta.csv", root: "/d"))
        // A root that holds a colon, after a plain layout.
        XCTAssertEqual(try DatasetLocation(parsing: "folder:/data/a:b"), DatasetLocation(layout: "folder", root: "/data/a:b"))
        XCTAssertEqual(try DatasetLocation.list("esc50:/a,us8k:/b").map(\.layout), ["esc50", "us8k"])
        // A csv layout's own comma-separated options stay with it in a list.
        XCTAssertEqual(try DatasetLocation.list("csv:file=m.csv,absolute=yes:/d,esc50:/e"),
                       [DatasetLocation(layout: "csv:file=m.csv,absolute=yes", root: "/d"), DatasetLocation(layout: "esc50", root: "/e")])
        for bad in ["esc50", ":/data", "esc50:", "palm:ESC50:"] {
            XCTAssertThrowsError(try DatasetLocation(parsing: bad), bad) { XCTAssertTrue("\($0)".contains("LAYOUT:ROOT") || "\($0)".contains("root folder"), "\($0)") }
        }
    }

    func testSeedLists() throws {
        XCTAssertEqual(try ListArguments.seeds("0,1,2"), [0, 1, 2])
        XCTAssertEqual(try ListArguments.seeds(" 7 "), [7])
        XCTAssertThrowsError(try ListArguments.seeds("0,x")) { XCTAssertTrue("\($0)".contains("found 'x'"), "\($0)") }
        XCTAssertThrowsError(try ListArguments.seeds("0,-1")) { XCTAssertTrue("\($0)".contains("found '-1'"), "\($0)") }
        XCTAssertThrowsError(try ListArguments.seeds("1,1")) { XCTAssertTrue("\($0)".contains("twice"), "\($0)") }
    }

    /// A method's settings are comma-separated too: `key=value` items continue the method before.
    func testMethodListsKeepSettingsWithTheirMethod() throws {
        let specs = try ListArguments.methods("zeroshot,coop:n_ctx=4,batch=160,palm_dagger,cocoop:epochs=1")
        XCTAssertEqual(specs.map(\.description), ["zeroshot", "coop:n_ctx=4,batch=160", "palm-dagger", "cocoop:epochs=1"])
        XCTAssertThrowsError(try ListArguments.methods("batch=4,coop")) { XCTAssertTrue("\($0)".contains("before any method"), "\($0)") }
        XCTAssertThrowsError(try ListArguments.methods("coop,cop")) { XCTAssertTrue("\($0)".contains("did you mean 'coop'"), "\($0)") }
        XCTAssertThrowsError(try ListArguments.methods("coop:n_ctx=0")) { XCTAssertTrue("\($0)".contains("n_ctx must be a positive integer"), "\($0)") }
        XCTAssertThrowsError(try ListArguments.methods(",")) { XCTAssertTrue("\($0)".contains("no method"), "\($0)") }
    }

    func testExperimentValidatesEverythingBeforeLoading() throws {
        let ok = try Experiment.parse(["--model", "pengi-random:tiny", "--dataset", "palm:ESC50:/data/ESC50", "--methods", "coop:n_ctx=4,batch=8,palm",
                                       "--seeds", "0,2", "--out", "/tmp/x"])
        let lists = try ok.lists()
        XCTAssertEqual(lists.datasets, [DatasetLocation(layout: "palm:ESC50", root: "/data/ESC50")])
        XCTAssertEqual(lists.methods.map(\.description), ["coop:n_ctx=4,batch=8", "palm"])
        XCTAssertEqual(lists.seeds, [0, 2])
        func failure(_ args: [String]) -> String {
            do { _ = try Experiment.parse(args); return "" } catch { return Experiment.message(for: error) }
        }
        let base = ["--model", "pengi-random:tiny", "--dataset", "esc50:/d", "--out", "/tmp/x"]
        XCTAssertTrue(failure(base + ["--methods", "nope"]).contains("unknown method 'nope'"))
        XCTAssertTrue(failure(base + ["--seeds", "a"]).contains("--seeds"))
        XCTAssertTrue(failure(["--model", "pengi-randm", "--dataset", "esc50:/d", "--out", "/tmp/x"]).contains("did you mean 'pengi-random'"))
        XCTAssertTrue(failure(["--model", "demo", "--dataset", "esc50", "--out", "/tmp/x"]).contains("LAYOUT:ROOT"))
    }

    /// `palm demo` hands demo.palm typed values (never text the script parses again).
    func testDemoOptionsAreTyped() throws {
        let d = try Demo.parse(["--seeds", "2", "--shots", "4", "--epochs", "5", "--heads", "~/h.safetensors", "--paper"])
        let options = Dictionary(uniqueKeysWithValues: d.scriptOptions.map { ($0.0, $0.1.repr) })
        XCTAssertEqual(options, ["seeds": "2", "shots": "4", "epochs": "5", "heads": "\"\(NSHomeDirectory())/h.safetensors\"", "paper": "true"])
        XCTAssertEqual(try Demo.parse([]).scriptOptions.first { $0.0 == "epochs" }?.1.repr, "nil")
        XCTAssertThrowsError(try Demo.parse(["--per-class", "3"]))
        XCTAssertThrowsError(try Demo.parse(["--seeds", "0"]))
        XCTAssertThrowsError(try Bench.parse(["nope"]))
        XCTAssertNoThrow(try Bench.parse(["engine", "prompting"]))
    }

    /// The prelude's `option(name)` reads the host's typed options first, then `key=value`
    /// arguments (numbers and booleans converted), then the default.
    func testScriptsReadTypedOptions() throws {
        let dir = try TemporaryDirectory("palm-cli")
        let prelude = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Stdlib/prelude.palm").path
        let script = dir.file("opts.palm")
        try """
            load("\(prelude)")
            print(type(option("seeds")), option("seeds") + 1, option("paper"), option("shots", 16), option("name"), option("missing", "d"))
            """.write(toFile: script, atomically: true, encoding: .utf8)
        var out: [String] = []
        let interp = Interpreter()
        interp.output = { out.append($0) }
        let status = runScript(path: script, arguments: ["name=x", "shots=8"], options: [("seeds", .int(2)), ("paper", .bool(true))], interpreter: interp)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(out, ["number 3 true 8 x d"])
    }
}
