import Foundation
import TestSupport
import XCTest

/// Results on stdout, progress on stderr, in the order they happened when both go to one file
/// (`palm ... > log 2>&1`): the built `palm` runs as a child with its streams on pipes, as in
/// a log or a batch job (not a terminal, so progress comes as plain lines).
final class OutputStreamTests: XCTestCase {
    /// Lines of `text` that contain `part`, by index.
    func index(of part: String, in lines: [Substring], file: StaticString = #filePath, line: UInt = #line) -> Int {
        guard let i = lines.firstIndex(where: { $0.contains(part) }) else {
            XCTFail("no line with '\(part)' in\n\(lines.joined(separator: "\n"))", file: file, line: line)
            return -1
        }
        return i
    }

    /// A script's printed lines and `fit`'s progress (stderr) keep their order in one file:
    /// stdout is line-buffered, where C stdio would hold the printed lines until exit.
    func testScriptOutputAndProgressKeepTheirOrderInOneFile() throws {
        let dir = try TemporaryDirectory("palm-streams")
        let data = try ToyAudioDataset.write(in: dir)
        let script = dir.file("order.palm")
        try """
            print("first result")
            m = pengi_random(size: "tiny", seed: 1)
            train = features(m, dataset("folder", args[0]).split().train)
            l = palm(m, train)
            fit(l, train, epochs: 2, batch: 4)
            print("second result")
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let env = ["PALM_CACHE": dir.file("cache")]
        let merged = try PalmProcess.run(["run", script, data], environment: env, timeout: 300, mergingStreams: true)
        XCTAssertEqual(merged.status, 0, "\(merged)")
        let lines = merged.stdout.split(separator: "\n")
        print(merged.stdout)
        let order = [index(of: "first result", in: lines), index(of: "fit palm: 2 epochs to do", in: lines),
                     index(of: "fit palm: 2 epochs in ", in: lines), index(of: "second result", in: lines)]
        XCTAssertEqual(order, order.sorted(), "in the order written:\n\(merged.stdout)")

        let apart = try PalmProcess.run(["run", script, data], environment: env, timeout: 300)
        XCTAssertEqual(apart.stdout, "first result\nsecond result\n", "stdout holds the results alone: \(apart)")
        XCTAssertTrue(apart.stderr.contains("fit palm: 2 epochs to do"), apart.stderr)
    }

    /// `palm experiment`: one progress line per cell on stderr (between a start and a summary
    /// line), then the table and the files' folder on stdout; stdout alone has no progress.
    func testExperimentProgressGoesToStderrAndTheTableComesLast() throws {
        let dir = try TemporaryDirectory("palm-streams-grid")
        let data = try ToyAudioDataset.write(in: dir)
        let arguments = ["experiment", "--model", "pengi-random:tiny:1", "--dataset", "folder:\(data)", "--methods", "zeroshot,palm",
                         "--seeds", "0,1", "--shots", "2", "--epochs", "1", "--cache", dir.file("cache")]
        let merged = try PalmProcess.run(arguments + ["--out", dir.file("one")], timeout: 300, mergingStreams: true)
        XCTAssertEqual(merged.status, 0, "\(merged)")
        print(merged.stdout)
        let lines = merged.stdout.split(separator: "\n")
        let start = index(of: "experiment: 3 cells to do", in: lines)
        let cells = lines.indices.filter { lines[$0].contains(": accuracy ") }
        XCTAssertEqual(cells.count, 3, merged.stdout)
        let summary = index(of: "experiment: 3 cells in ", in: lines)
        let table = index(of: "| data |", in: lines)
        let folder = index(of: "results, predictions and the report", in: lines)
        XCTAssertEqual([start] + cells + [summary, table, folder], ([start] + cells + [summary, table, folder]).sorted(), merged.stdout)
        XCTAssertEqual(folder, lines.count - 1, "the folder is the last line")

        let apart = try PalmProcess.run(arguments + ["--out", dir.file("two")], timeout: 300)
        XCTAssertEqual(apart.status, 0, "\(apart)")
        XCTAssertFalse(apart.stdout.contains(": accuracy ") || apart.stdout.contains("cells to do") || apart.stdout.contains("cells in "),
                       "no progress on stdout:\n\(apart.stdout)")
        XCTAssertTrue(apart.stdout.contains("| data |") && apart.stdout.contains(dir.file("two")), apart.stdout)
        XCTAssertEqual(apart.stderr.split(separator: "\n").filter { $0.contains(": accuracy ") }.count, 3, apart.stderr)
    }
}
