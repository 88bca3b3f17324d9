import Foundation
import XCTest
import Bindings
import REPL
import Reports
import ScriptCore

/// Reports: a notebook script run through `runScript(path:arguments:report:)` becomes an HTML
/// or Markdown page holding each cell's title, prose, code, output, tables and SVG plots; the
/// REPL's `:report` writes the session. When Debian's `chromium` is installed, the HTML page is
/// loaded in it headless: its DOM must hold the tables and non-empty SVG plots, and a
/// screenshot is written for a person to look at (`$PALM_SCREENSHOT_DIR` or the temporary
/// directory, `palm-report-screenshot.png`; the path is printed).
final class ReportTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        Bindings.register()  // as the palm executable does at start-up
    }

    /// A notebook over the tiny dataset (its root is the script's first argument).
    static let notebook = """
        #%% Setup
        #' # Few-shot learning on a **tiny** dataset
        #' This report trains *PALM* on random PENGI features:
        #' - three classes, `folder` layout
        #' - see [the paper](https://arxiv.org/abs/2409.19806)
        #' <script>alert(1)</script>
        m = pengi_random()
        ds = dataset("folder", args[0])
        s = ds.split()
        print("classes: \\(ds.classes)")

        #%% Train and evaluate
        #' Loss per epoch, then the confusion matrix.
        l = palm(m, ds.classes)
        r = fit(l, s.train, epochs: 20, batch: 4)
        show(plot_losses(r))
        e = evaluate(l, s.test)
        show(heatmap(e))
        e

        #%% Grid
        res = experiment(m, datasets: [ds], methods: ["zeroshot", "palm"], seeds: [0], shots: 2, epochs: 5)
        show(res)
        bar(res, title: "accuracy by method")
        """

    func write(_ text: String, _ name: String) throws -> String {
        let dir = ScriptFixtures.root + "/reports"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testHTMLReportHoldsCellsProseTablesAndPlots() throws {
        ScriptFixtures.prepare()
        let script = try write(Self.notebook, "notebook.palm")
        let out = ScriptFixtures.root + "/reports/notebook.html"
        XCTAssertEqual(runScript(path: script, arguments: [ScriptFixtures.root + "/data"], report: out), 0)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        for needle in ["<h2>Setup</h2>", "<h2>Train and evaluate</h2>", "<h2>Grid</h2>",
                       "<strong>tiny</strong>", "<em>PALM</em>", "<li>three classes, <code>folder</code> layout</li>",
                       "<a href=\"https://arxiv.org/abs/2409.19806\">the paper</a>", "&lt;script&gt;alert(1)&lt;/script&gt;",
                       "ds = dataset(&quot;folder&quot;, args[0])", "classes: [&quot;chirp&quot;, &quot;hiss&quot;, &quot;hum&quot;]",
                       "palm: accuracy", "<caption>per-class accuracy (palm)", "<th>dataset</th>", "<th>palm</th>",
                       "confusion matrix (palm)", "training loss", "accuracy by method", "<polyline"] {
            XCTAssertTrue(html.contains(needle), "report lacks \(needle)")
        }
        XCTAssertFalse(html.contains("<script>"), "prose must not inject markup")
        XCTAssertEqual(html.components(separatedBy: "<section class=\"cell\"").count - 1, 3)
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 3, "loss curve, confusion matrix, bar chart")
        XCTAssertEqual(html.components(separatedBy: "<table>").count - 1, 2, "per-class accuracy and the results table")
        // Every plot has drawn content.
        for svg in html.components(separatedBy: "<svg").dropFirst() {
            let body = svg.components(separatedBy: "</svg>")[0]
            XCTAssertTrue(body.contains("<rect x=") || body.contains("<polyline"), "empty plot")
        }
        try checkInBrowser(out)
    }

    func testMarkdownReportWritesPlotsBesideIt() throws {
        ScriptFixtures.prepare()
        let script = try write(Self.notebook, "notebook-md.palm")
        let out = ScriptFixtures.root + "/reports/notebook.md"
        XCTAssertEqual(runScript(path: script, arguments: [ScriptFixtures.root + "/data"], report: out), 0)
        let md = try String(contentsOfFile: out, encoding: .utf8)
        for needle in ["# notebook-md.palm", "## Setup", "# Few-shot learning on a **tiny** dataset", "```palm\nm = pengi_random()",
                       "| dataset | zeroshot | palm |", "| class | accuracy |", "![accuracy by method](notebook_files/plot-3.svg)"] {
            XCTAssertTrue(md.contains(needle), "report lacks \(needle)")
        }
        for i in 1...3 {
            let svg = try String(contentsOfFile: ScriptFixtures.root + "/reports/notebook_files/plot-\(i).svg", encoding: .utf8)
            XCTAssertTrue(svg.hasPrefix("<svg") && svg.count > 500)
        }
    }

    func testFailingCellIsReportedAndStopsTheRun() throws {
        let script = try write("#%% one\nprint(\"ran\")\n#%% two\nx = nope + 1\n#%% three\nprint(\"never\")\n", "failing.palm")
        let out = ScriptFixtures.root + "/reports/failing.html"
        XCTAssertEqual(runScript(path: script, arguments: [], report: out), 1)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(html.contains("<pre class=\"output\">ran</pre>"))
        XCTAssertTrue(html.contains("failing.palm:4:5: error: unknown name 'nope'"), html)
        XCTAssertFalse(html.contains("never"))
    }

    func testREPLReportWritesTheSession() throws {
        var out: [String] = []
        let repl = REPL(interpreter: Interpreter(), historyPath: nil, output: { out.append($0) }, errorOutput: { out.append($0) })
        repl.submit("x = 20")
        repl.submit("print(x + 1)")
        repl.submit("bar([0.5, 1], labels: [\"a\", \"b\"], title: \"two bars\")")
        repl.submit("oops")
        let path = ScriptFixtures.root + "/session.html"
        try? FileManager.default.createDirectory(atPath: ScriptFixtures.root, withIntermediateDirectories: true)
        repl.command(":report \(path)")
        XCTAssertEqual(out.last, "wrote 4 entries to \(path)")
        XCTAssertTrue(out.contains("two bars\na ████████████████████ 0.5\nb ████████████████████████████████████████ 1"), "\(out)")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        for needle in ["print(x + 1)", "<pre class=\"output\">21</pre>", "<svg", "two bars", "unknown name"] {
            XCTAssertTrue(html.contains(needle), "session report lacks \(needle)")
        }
    }

    func testMarkdownSubset() {
        XCTAssertEqual(Markdown.html("## Title\ntext *it* and **bold**\n\n1. one\n2. two\n\n```\na < b\n```"),
                       "<h4>Title</h4>\n<p>text <em>it</em> and <strong>bold</strong></p>\n<ol><li>one</li><li>two</li></ol>\n<pre><code>a &lt; b</code></pre>")
        XCTAssertEqual(Markdown.html("[x](javascript:alert) `a*b*c` snake_case_name"),
                       "<p>x <code>a*b*c</code> snake_case_name</p>")
        XCTAssertEqual(Markdown.html("- a\n  continued\n- b"), "<ul><li>a continued</li><li>b</li></ul>")
    }

    /// Loads the page in headless Chromium (skipped when it is not installed): the DOM must
    /// hold the tables and SVG plots, and a screenshot is written.
    func checkInBrowser(_ htmlPath: String) throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("ReportTests: chromium not installed; browser check skipped")
            return
        }
        func run(_ args: [String]) throws -> (String, String, Int32) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: chromium)
            p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"] + args
            let o = Pipe(), e = Pipe()
            p.standardOutput = o
            p.standardError = e
            try p.run()
            let out = String(decoding: o.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let err = String(decoding: e.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (out, err, p.terminationStatus)
        }
        let url = URL(fileURLWithPath: htmlPath).absoluteString
        let (dom, err, status) = try run(["--enable-logging=stderr", "--v=0", "--dump-dom", url])
        XCTAssertEqual(status, 0, err)
        XCTAssertFalse(err.contains("Uncaught"), "page errors: \(err)")
        XCTAssertFalse(err.contains(":CONSOLE("), "console messages: \(err)")
        XCTAssertEqual(dom.components(separatedBy: "<svg").count - 1, 3, "the browser's DOM holds the three plots")
        XCTAssertEqual(dom.components(separatedBy: "<table>").count - 1, 2)
        XCTAssertTrue(dom.contains("<polyline"))
        // Outside the fixture directory (removed at exit), so a person can look at it.
        let shotDir = ProcessInfo.processInfo.environment["PALM_SCREENSHOT_DIR"] ?? NSTemporaryDirectory()
        let target = (shotDir as NSString).appendingPathComponent("palm-report-screenshot.png")
        let (_, err2, status2) = try run(["--screenshot=\(target)", "--window-size=1100,2600", url])
        XCTAssertEqual(status2, 0, err2)
        let size = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
        XCTAssertGreaterThan(size ?? 0, 10_000, "screenshot \(target)")
        print("ReportTests: screenshot written to \(target)")
    }
}
