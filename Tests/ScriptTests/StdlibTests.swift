import Foundation
import XCTest
import Bindings
import REPL
import Reports
import ScriptCore

/// The experiment scripts in `Stdlib/` parse, and each runs end to end in quick mode (1 seed,
/// 2 shots, 3 epochs) on a tiny random PENGI and the tiny test dataset, writing a report with
/// its tables and plots (the demo's two scripts run in Tests/DemoTests).
final class StdlibTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        Bindings.register()  // as the palm executable does at start-up
    }

    static let stdlib = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Stdlib")

    static let scripts = ["table2", "ablations", "shots", "prompts", "efficiency"]
    /// The demo's scripts (and the studies run on the demo model) need the demo model's
    /// encoders; Tests/DemoTests runs them.
    static let demoScripts = ["demo", "demo_align", "generalization", "robustness"]

    func testEveryScriptParses() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.stdlib.path).filter { $0.hasSuffix(".palm") }
        XCTAssertEqual(Set(files), Set((Self.scripts + Self.demoScripts).map { $0 + ".palm" } + ["prelude.palm", "paper.palm"]))
        for f in files {
            let text = try String(contentsOf: Self.stdlib.appendingPathComponent(f), encoding: .utf8)
            XCTAssertNoThrow(try Notebook(file: SourceFile(name: f, text: text)), f)
        }
    }

    func testPreludeHelpers() throws {
        let interp = Interpreter()
        var out: [String] = []
        interp.output = { out.append($0) }
        interp.scriptDirectory = Self.stdlib.path
        try interp.run("""
            load("prelude.palm")
            print(mean([1, 2, 3]), std([1, 3]), pct(0.9534), pct(nil), arg(0, "none"))
            """)
        XCTAssertEqual(out, ["2 1 95.3 - none"])
    }

    /// `protocol=reference` runs a study under the reference's protocol (and a model spec works
    /// as MODEL): every record says so, and zero-shot uses the reference's prompt.
    func testStudyUnderTheReferenceProtocol() throws {
        ScriptFixtures.prepare()
        let out = ScriptFixtures.root + "/stdlib-reference"
        let status = runScript(path: Self.stdlib.appendingPathComponent("table2.palm").path,
                               arguments: ["pengi-random:tiny", ScriptFixtures.root + "/data", "quick", out, "protocol=reference"], report: out + ".html")
        XCTAssertEqual(status, 0)
        let json = try String(contentsOfFile: out + "/results.json", encoding: .utf8)
        XCTAssertTrue(json.contains("\"protocol\" : \"reference\""), json)
        XCTAssertTrue(json.contains("zeroshot:templates=reference"), json)
        XCTAssertFalse(json.contains("\"protocol\" : \"palm\""))
    }

    /// The paper's numbers load and read as printed (Table 2's ESC50 PALM, Figure 2's SESA).
    func testPaperNumbers() throws {
        let interp = Interpreter()
        var out: [String] = []
        interp.output = { out.append($0) }
        interp.scriptDirectory = Self.stdlib.path
        try interp.run("""
            load("prelude.palm")
            load("paper.palm")
            print(paper_pct(paper_table2, "ESC50", "palm"), paper_pct(paper_figure2, "SESA", "audio-clip"), pct(paper_table4["palm+cocoop-dagger"]))
            print(paper_pct(paper_figure4, "ESC50", "palm-no-context"), paper_pct(paper_table2, "ESC50", "nope"), figure2_templates.count)
            """)
        XCTAssertEqual(out, ["95.9 68.6 73.5", "43.3 - 8"])
    }

    func testScriptsRunInQuickModeAndWriteReports() throws {
        ScriptFixtures.prepare()
        let dir = ScriptFixtures.root + "/stdlib"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in Self.scripts {
            let report = "\(dir)/\(name).html"
            let status = runScript(path: Self.stdlib.appendingPathComponent(name + ".palm").path,
                                   arguments: ["random", ScriptFixtures.root + "/data", "quick"], report: report)
            XCTAssertEqual(status, 0, name)
            let html = try String(contentsOfFile: report, encoding: .utf8)
            XCTAssertFalse(html.contains("class=\"error\""), "\(name) failed: \(html.components(separatedBy: "class=\"error\"").last!.prefix(400))")
            XCTAssertTrue(html.contains("<table>"), "\(name) has no table")
            if name != "efficiency" { XCTAssertTrue(html.contains("<svg"), "\(name) has no plot") }
        }
    }
}
