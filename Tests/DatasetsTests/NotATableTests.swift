import Foundation
import XCTest
import Datasets
import TestSupport

/// A file given as a list that is not a table is described, never quoted (issue 14, deliver
/// 5): `csv:file=/etc/shadow` must not print a password hash.
final class NotATableTests: XCTestCase {
    /// Lines of a shadow-like file: one field each (no comma), secrets in every line.
    static let secretLines = [
        "root:$6$SECRETSALT$SECRETHASHSECRETHASH:19000:0:99999:7:::",
        "daemon:*:19000:0:99999:7:::",
        "alice:$y$SECRETYESCRYPT:19000:0:99999:7:::",
    ]

    func assertNothingQuoted(_ message: String, from lines: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(message.contains("SECRET"), message, file: file, line: line)
        for l in lines where l.count >= 6 {   // shorter lines could match any text
            // No line, nor its first field, appears in the message.
            let head = String(l.prefix(while: { $0 != ":" && $0 != "," }))
            XCTAssertFalse(message.contains(String(l.prefix(12))), "'\(message)' quotes '\(l.prefix(12))'", file: file, line: line)
            if head.count >= 4 { XCTAssertFalse(message.contains(head + ":"), "'\(message)' quotes '\(head):'", file: file, line: line) }
        }
    }

    func testShadowLikeFileIsDescribedNotQuoted() throws {
        let tree = try DatasetTree("ds")
        defer { tree.remove() }
        let shadow = tree.outside("shadow")
        try (Self.secretLines.joined(separator: "\n") + "\n").write(toFile: shadow, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Dataset.load("csv:file=\(shadow)", root: tree.root)) { error in
            guard case DatasetError.notATable(let file, let expected, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, shadow)
            XCTAssertEqual(expected, ["path", "classname"])
            XCTAssertTrue(reason.contains("its first line has 1 field"), reason)
            assertNothingQuoted("\(error)", from: Self.secretLines)
        }
    }

    /// Two fields on the first line but rows of other widths: not a table, so even the
    /// "header" is not shown (a key/value pair could be a secret).
    func testRaggedFileDoesNotShowItsFirstLine() throws {
        let tree = try DatasetTree("ds")
        defer { tree.remove() }
        try tree.text("meta.csv", "token,SECRETVALUE\nSECRETNEXT\n")
        XCTAssertThrowsError(try Dataset.load("csv:file=meta.csv", root: tree.root)) { error in
            guard case DatasetError.notATable = error else { return XCTFail("\(error)") }
            assertNothingQuoted("\(error)", from: ["token,SECRETVALUE"])
        }
        // The same with the columns present: the row of the wrong width is counted, not shown.
        try tree.text("meta.csv", "path,classname\nSECRETROW\n")
        XCTAssertThrowsError(try Dataset.load("csv:file=meta.csv", root: tree.root)) { error in
            XCTAssertEqual("\(error)", "\(tree.path("meta.csv")):2: expected 2 fields as in the header on line 1, found 1")
        }
    }

    func testBinaryFileIsDescribedNotQuoted() throws {
        let tree = try DatasetTree("ds")
        defer { tree.remove() }
        try tree.bytes("meta.bin", [0x7F] + Array("ELF".utf8) + [2, 1, 1, 0, 0, 0] + Array("SECRET".utf8))
        XCTAssertThrowsError(try Dataset.load("csv:file=meta.bin", root: tree.root)) { error in
            guard case DatasetError.notText(let location, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(location, tree.path("meta.bin") + ":1")
            XCTAssertTrue(reason.contains("binary"), reason)
            XCTAssertFalse("\(error)".contains("SECRET") || "\(error)".contains("ELF"), "\(error)")
        }
    }

    func testEmptyFileIsDescribed() throws {
        let tree = try DatasetTree("ds")
        defer { tree.remove() }
        try tree.text("meta.csv", "")
        XCTAssertThrowsError(try Dataset.load("csv:file=meta.csv", root: tree.root)) { error in
            guard case DatasetError.notATable(_, _, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("empty"), reason)
        }
    }

    /// The system's own files, when this machine has them and the test may read them: the error
    /// quotes none of their lines.
    func testSystemFilesAreNotQuoted() throws {
        let tree = try DatasetTree("ds")
        defer { tree.remove() }
        var tried = 0
        for path in ["/etc/passwd", "/etc/shadow", "/etc/group", "/etc/hostname"] {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            tried += 1
            let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
            XCTAssertThrowsError(try Dataset.load("csv:file=\(path),path=filename,label=category", root: tree.root), path) { error in
                assertNothingQuoted("\(error)", from: lines)
            }
        }
        if tried == 0 { throw XCTSkip("no readable system file to try") }
    }

    /// The issue's reproducer through the executable: `palm dataset csv:file=/etc/shadow ROOT`
    /// exits 1 with a message quoting nothing (or naming why it cannot read the file).
    func testPalmDatasetOnEtcShadowQuotesNothing() throws {
        let tree = try DatasetTree("ds")
        defer { tree.remove() }
        let outcome = try PalmProcess.run(["dataset", "csv:file=/etc/shadow", tree.root], timeout: 30)
        XCTAssertTrue(outcome.isCleanFailure, "\(outcome)")
        XCTAssertTrue(outcome.stderr.contains("/etc/shadow"), outcome.stderr)
        if let data = FileManager.default.contents(atPath: "/etc/shadow") {
            let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
            assertNothingQuoted(outcome.stderr + outcome.stdout, from: lines)
        }
    }
}
