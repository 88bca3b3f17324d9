import XCTest
import Datasets

/// `ProgressBar`: a bar with rate and ETA on a terminal, plain lines otherwise.
final class ProgressBarTests: XCTestCase {
    final class Sink: @unchecked Sendable { var text = "" }

    func testPlainLinesWhenNotATerminal() {
        let sink = Sink()
        let bar = ProgressBar(title: "embedding x", total: 10, unit: "clips", isTerminal: false) { sink.text += $0 }
        for _ in 0..<10 { bar.advance() }
        bar.finish(note: ", 1 failed")
        let lines = sink.text.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, sink.text)
        XCTAssertEqual(lines[0], "embedding x: 10 clips to do")
        XCTAssertTrue(lines[1].hasPrefix("embedding x: 10 clips in "), sink.text)
        XCTAssertTrue(lines[1].hasSuffix(", 1 failed"), sink.text)
        XCTAssertFalse(sink.text.contains("\r"))
    }

    /// One call doing all the work: the start line, then the summary, or ", stopped" when
    /// the work throws (and the error still reaches the caller).
    func testWhileRunningReportsTheEndOrTheStop() {
        let sink = Sink()
        let value = ProgressBar.whileRunning("embedding 2 files", total: 2, unit: "files", quietFor: 0, isTerminal: false,
                                             output: { sink.text += $0 }) { 42 }
        XCTAssertEqual(value, 42)
        var lines = sink.text.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, sink.text)
        XCTAssertEqual(lines[0], "embedding 2 files: 2 files to do")
        XCTAssertTrue(lines[1].hasPrefix("embedding 2 files: 2 files in "), sink.text)

        struct Failure: Error {}
        let stopped = Sink()
        XCTAssertThrowsError(try ProgressBar.whileRunning("embedding x", total: 3, unit: "files", quietFor: 0, isTerminal: false,
                                                          output: { stopped.text += $0 }) { () throws -> Int in throw Failure() }) {
            XCTAssertTrue($0 is Failure)
        }
        lines = stopped.text.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, stopped.text)
        XCTAssertTrue(lines[1].hasSuffix(", stopped"), stopped.text)
    }

    /// `report`: a line of its own in a log (between the start line and the summary); on a
    /// terminal the text after the bar, replaced by the next report, never a line of its own.
    func testReportsAreLinesInALogAndTheBarsTailOnATerminal() {
        let log = Sink()
        let plain = ProgressBar(title: "experiment", total: 2, unit: "cells", isTerminal: false) { log.text += $0 }
        plain.report("cell 1: accuracy 0.5")
        plain.advance()
        plain.report("cell 2: accuracy 0.75")
        plain.advance()
        plain.finish()
        let lines = log.text.split(separator: "\n")
        XCTAssertEqual(lines.count, 4, log.text)
        XCTAssertEqual(Array(lines[0...2]), ["experiment: 2 cells to do", "cell 1: accuracy 0.5", "cell 2: accuracy 0.75"])
        XCTAssertTrue(lines[3].hasPrefix("experiment: 2 cells in "), log.text)

        let tty = Sink()
        let bar = ProgressBar(title: "experiment", total: 2, unit: "cells", isTerminal: true) { tty.text += $0 }
        bar.report("cell 1: accuracy 0.5")
        bar.advance()
        XCTAssertTrue(tty.text.hasPrefix("\r") && tty.text.contains("1/2"), tty.text)
        XCTAssertTrue(tty.text.contains("  cell 1: accuracy 0.5"), tty.text)
        bar.report("cell 2: accuracy 0.75")
        bar.advance()  // the last step is always drawn
        let last = tty.text.components(separatedBy: "\r").last ?? ""
        XCTAssertTrue(last.contains("2/2") && last.contains("cell 2: accuracy 0.75") && !last.contains("cell 1"), last)
        XCTAssertFalse(tty.text.contains("\n"), "nothing but the bar until it finishes: \(tty.text)")
    }

    func testBarWithRateAndETAOnATerminal() {
        let sink = Sink()
        let bar = ProgressBar(title: "embedding x", total: 4, unit: "clips", isTerminal: true) { sink.text += $0 }
        bar.advance(by: 4)   // the last step is always drawn
        XCTAssertTrue(sink.text.hasPrefix("\r"), sink.text)
        XCTAssertTrue(sink.text.contains("[########################] 4/4"), sink.text)
        XCTAssertTrue(sink.text.contains("clips/s"), sink.text)
        XCTAssertTrue(sink.text.contains("ETA "), sink.text)
        bar.finish()
        XCTAssertTrue(sink.text.hasSuffix("\n"))
    }

    /// With `inPlace` (a notebook kernel) every line is handed over whole, without control
    /// characters, the summary last and marked final; nothing goes to `output`.
    func testInPlaceLinesForANotebook() {
        let sink = Sink()
        var lines: [(String, Bool)] = []
        let bar = ProgressBar(title: "fit palm", total: 3, unit: "epochs", isTerminal: false, output: { sink.text += $0 },
                              inPlace: { lines.append(($0, $1)) })
        bar.advance()
        bar.report("loss 0.5")
        bar.advance(by: 2)
        bar.finish(note: ", loss 0.1")
        XCTAssertEqual(sink.text, "")
        XCTAssertGreaterThanOrEqual(lines.count, 3)
        XCTAssertTrue(lines.dropLast().allSatisfy { $0.0.hasPrefix("fit palm [") && !$0.1 }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.0.contains("3/3") && $0.0.hasSuffix("loss 0.5") }, "\(lines)")
        XCTAssertTrue(lines.last!.1 && lines.last!.0.hasPrefix("fit palm: 3 epochs in ") && lines.last!.0.hasSuffix(", loss 0.1"), "\(lines)")
        XCTAssertFalse(lines.contains { $0.0.contains("\r") || $0.0.contains("\u{1B}") })
    }
}
