import CLI
import Foundation
import Prompting
import Reports
import TestSupport
import XCTest

/// HTML reports fit the window: wide tables (the per-seed table of a grid with many seeds, a
/// 40-column table), long output and code lines, long unbroken words and wide plots stay
/// inside the page, each wide thing scrolling in its own box.
final class ReportLayoutTests: XCTestCase {
    /// A report with everything that can be wide: a 40-column table with a long caption, an
    /// output line and a code line of 600 characters, a path in prose and titles, an error,
    /// and `palm experiment`'s own report of a grid with 12 seeds (a per-seed table of 41
    /// columns, a bar chart, confusion matrices).
    static func wideReport() -> Report {
        let header: [String] = ["dataset"] + (1...39).map { (k: Int) -> String in "method \(k) seed \(k % 7)" }
        var rows: [[String]] = []
        for r in 0..<5 {
            let values: [String] = (1...39).map { (k: Int) -> String in String(format: "%.4f", Double((k * 37 + r * 11) % 100) / 100) }
            rows.append(["dataset-\(r)"] + values)
        }
        let path = "/a/very/long/path/" + String(repeating: "without-any-space-", count: 30) + "file.wav"
        let long = String(repeating: "0123456789", count: 60)
        let caption = "a caption that goes on " + String(repeating: "and on ", count: 40)
        let items: [Report.Item] = [.table(ReportTable(caption: caption, header: header, rows: rows)), .text(long)]
        var cells: [Report.Cell] = [Report.Cell(title: "A title with \(path)", prose: ["A path in prose: \(path), and `\(long)` as code."],
                                                code: "x = \"\(long)\"", items: items, error: "wide.palm:1:1: error: \(long)")]
        var records: [ExperimentRecord] = []
        for seed in 0..<12 {
            for method in ["zeroshot", "coop", "cocoop", "palm"] {
                let accuracy = Double((seed * 13 + method.count * 7) % 100) / 100
                records.append(ExperimentRecord(dataset: "instruments", method: method, seed: UInt64(seed), fold: 0, shots: 16,
                                                accuracy: accuracy, macroF1: 0.5, trainSeconds: 1, parameters: 10))
            }
        }
        cells += ExperimentReport.make(ExperimentOutcome(records: records, predictions: []), title: "grid").cells
        return Report(title: "wide things: \(path)", cells: cells)
    }

    /// Every table sits in a box that scrolls sideways; code, output and errors scroll too.
    func testWideThingsScrollInsideTheirOwnBoxes() {
        let html = Self.wideReport().html()
        let tables = html.components(separatedBy: "<table>").count - 1
        XCTAssertEqual(tables, 2)
        XCTAssertEqual(html.components(separatedBy: "<div class=\"table-scroll\"><table>").count - 1, tables, "every table in a scroll box")
        XCTAssertTrue(html.contains(".table-scroll { overflow-x: auto;"), "the box scrolls")
        XCTAssertTrue(html.contains("pre { padding: .6rem .8rem; overflow-x: auto;"), "code and output scroll")
        XCTAssertTrue(html.contains("overflow-wrap: anywhere"), "long words wrap")
    }

    /// The browser's word: headless Chromium lays the page out in a 1280 px window; the page
    /// is no wider than the window (`document.documentElement.scrollWidth`), while the table
    /// boxes do hold content wider than themselves (so the check is not vacuous). Skipped
    /// when no Chromium is installed (`apt-get install chromium-headless-shell`, or set
    /// `PALM_CHROMIUM` to a Chromium or Chrome binary).
    func testPageFitsA1280PixelWindowInHeadlessChromium() throws {
        let candidates = [ProcessInfo.processInfo.environment["PALM_CHROMIUM"], "/usr/bin/chromium-headless-shell", "/usr/bin/chromium",
                          "/usr/bin/google-chrome", "/usr/bin/chrome-headless-shell"].compactMap { $0 }
        guard let chromium = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("no Chromium installed (looked for \(candidates.joined(separator: ", "))): the layout is checked in the HTML only")
        }
        let dir = try TemporaryDirectory("palm-report-layout")
        // The report has no scripts; the test adds one that writes the measurements into the DOM.
        let measure = """
            <script>
            const boxes = [...document.querySelectorAll('.table-scroll')];
            const m = document.createElement('pre');
            m.id = 'measured';
            m.textContent = JSON.stringify({page: document.documentElement.scrollWidth, window: window.innerWidth,
                                            boxes: boxes.map(b => [b.scrollWidth, b.clientWidth])});
            document.body.appendChild(m);
            </script>
            """
        let page = dir.file("report.html")
        try Self.wideReport().html().replacingOccurrences(of: "</body>", with: measure + "</body>").write(toFile: page, atomically: true, encoding: .utf8)
        let run = try PalmProcess.run(path: chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,800",
                                                       "--user-data-dir=\(dir.file("profile"))", "--dump-dom", URL(fileURLWithPath: page).absoluteString],
                                      timeout: 120)
        XCTAssertEqual(run.status, 0, "\(run)")
        guard let start = run.stdout.range(of: "<pre id=\"measured\">"), let end = run.stdout.range(of: "</pre>", range: start.upperBound..<run.stdout.endIndex) else {
            return XCTFail("no measurements in the DOM Chromium dumped: \(run)")
        }
        let json = String(run.stdout[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"")
        struct Measured: Decodable { var page: Int; var window: Int; var boxes: [[Int]] }
        let measured = try JSONDecoder().decode(Measured.self, from: Data(json.utf8))
        print("ReportLayoutTests: page \(measured.page) px wide in a \(measured.window) px window; table boxes (content, box): \(measured.boxes)")
        XCTAssertEqual(measured.window, 1280)
        XCTAssertLessThanOrEqual(measured.page, 1280, "the page is wider than the window")
        XCTAssertEqual(measured.boxes.count, 2)
        for box in measured.boxes { XCTAssertGreaterThan(box[0], box[1], "the table is wider than its box, which scrolls") }
    }
}
