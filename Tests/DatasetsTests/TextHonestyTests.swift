import Foundation
import XCTest
import Datasets

/// Text is treated honestly (issue 14, deliver 6): labels are kept byte for byte, a list that
/// is not UTF-8 is refused naming the line unless its encoding is given, and a byte-order
/// mark is fine.
final class TextHonestyTests: XCTestCase {
    static let nfc = "caf\u{E9}"          // é as one code point
    static let nfd = "cafe\u{301}"        // e + combining acute accent

    /// Swift's `==` says the two spellings are equal; that is how they used to be merged.
    func testTheTwoSpellingsAreCanonicallyEqual() {
        XCTAssertEqual(Self.nfc, Self.nfd)
        XCTAssertNotEqual(Array(Self.nfc.utf8), Array(Self.nfd.utf8))
    }

    func testLabelsThatDifferOnlyInNormalisationStayTwoClasses() throws {
        let tree = try DatasetTree("labels")
        defer { tree.remove() }
        for n in ["1", "2", "3", "4"] { try tree.wav("\(n).wav", frames: 40) }
        try tree.text("meta.csv", "path,classname\n1.wav,\(Self.nfc)\n2.wav,\(Self.nfd)\n3.wav,\(Self.nfc)\n4.wav,\(Self.nfd)\n")
        let d = try Dataset.load("csv:file=meta.csv", root: tree.root)
        XCTAssertEqual(d.classes.map { Array($0.unicodeScalars) }, [Array(Self.nfd.unicodeScalars), Array(Self.nfc.unicodeScalars)],
                       "two classes, sorted by code point (e < é)")
        let byPath = Dictionary(uniqueKeysWithValues: d.items.map { (($0.path as NSString).lastPathComponent, $0) })
        XCTAssertEqual(byPath["1.wav"]?.label, 1)
        XCTAssertEqual(byPath["2.wav"]?.label, 0)
        XCTAssertEqual(Array(byPath["1.wav"]!.classname.utf8), Array(Self.nfc.utf8), "kept byte for byte")
        XCTAssertEqual(Array(byPath["2.wav"]!.classname.utf8), Array(Self.nfd.utf8))
        XCTAssertEqual(d.notes.count, 1, "\(d.notes)")
        XCTAssertTrue(d.notes[0].contains("U+00E9") && d.notes[0].contains("U+0301") && d.notes[0].contains("2 classes"), d.notes[0])
        XCTAssertNotEqual(byPath["1.wav"], DatasetItem(path: byPath["1.wav"]!.path, label: 1, classname: Self.nfd),
                          "items compare their class strings byte for byte")
    }

    /// Linux stores the two spellings of a file name as two files: neither a duplicate nor one entry.
    func testFileNamesThatDifferOnlyInNormalisationAreTwoFiles() throws {
        let tree = try DatasetTree("names")
        defer { tree.remove() }
        try tree.wav("\(Self.nfc).wav", frames: 40)
        try tree.wav("\(Self.nfd).wav", frames: 40)
        guard (try FileManager.default.contentsOfDirectory(atPath: tree.root)).count == 2 else {
            throw XCTSkip("this file system normalises names")
        }
        try tree.text("meta.csv", "path,classname\n\(Self.nfc).wav,a\n\(Self.nfd).wav,b\n")
        let d = try Dataset.load("csv:file=meta.csv", root: tree.root)
        XCTAssertEqual(d.items.count, 2)
        XCTAssertEqual(d.classes, ["a", "b"])
    }

    func testLatin1ListIsRefusedNamingTheLineAndColumn() throws {
        let tree = try DatasetTree("latin1")
        defer { tree.remove() }
        for n in ["1", "2"] { try tree.wav("\(n).wav", frames: 40) }
        // "café" in Latin-1: é is the single byte 0xE9.
        try tree.bytes("meta.csv", Array("path,classname\n1.wav,dog\n2.wav,caf".utf8) + [0xE9] + Array("\n".utf8))
        XCTAssertThrowsError(try Dataset.load("csv:file=meta.csv", root: tree.root)) { error in
            guard case DatasetError.notText(let location, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(location, tree.path("meta.csv") + ":3")
            XCTAssertTrue(reason.contains("byte column 10"), reason)
            XCTAssertTrue(reason.contains("encoding=latin1"), reason)
        }
        let d = try Dataset.load("csv:file=meta.csv,encoding=latin1", root: tree.root)
        XCTAssertEqual(d.classes, ["caf\u{E9}", "dog"])
        XCTAssertEqual(try Dataset.load("csv:file=meta.csv,encoding=iso-8859-1", root: tree.root).classes, d.classes)
    }

    func testWindows1252ListIsDecodedByItsCodePage() throws {
        let tree = try DatasetTree("cp1252")
        defer { tree.remove() }
        for n in ["1", "2"] { try tree.wav("\(n).wav", frames: 40) }
        // 0x93 and 0x94 are curly quotes in Windows-1252 (C1 controls in Latin-1); 0x80 is the euro sign.
        try tree.bytes("meta.csv", Array("path,classname\n1.wav,".utf8) + [0x93] + Array("hi".utf8) + [0x94]
                       + Array("\n2.wav,".utf8) + [0x80] + Array("\n".utf8))
        let d = try Dataset.load("csv:file=meta.csv,encoding=windows-1252", root: tree.root)
        XCTAssertEqual(d.classes, ["\u{201C}hi\u{201D}", "\u{20AC}"])
        XCTAssertThrowsError(try DatasetLayout.parse("csv:encoding=ebcdic")) { XCTAssertTrue("\($0)".contains("latin1"), "\($0)") }
    }

    func testByteOrderMarkIsFine() throws {
        let tree = try DatasetTree("bom")
        defer { tree.remove() }
        for n in ["1", "2"] { try tree.wav("\(n).wav", frames: 40) }
        try tree.bytes("meta.csv", [0xEF, 0xBB, 0xBF] + Array("path,classname\n1.wav,a\n2.wav,b\n".utf8))
        XCTAssertEqual(try Dataset.load("csv:file=meta.csv", root: tree.root).classes, ["a", "b"])
    }

    /// Overlong forms and surrogates are not UTF-8 either (the validator is byte exact).
    func testOverlongAndSurrogateBytesAreRefused() throws {
        let tree = try DatasetTree("bad-utf8")
        defer { tree.remove() }
        try tree.wav("1.wav", frames: 40)
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            try tree.bytes("meta.csv", Array("path,classname\n1.wav,x".utf8) + bad + Array("\n".utf8))
            XCTAssertThrowsError(try Dataset.load("csv:file=meta.csv", root: tree.root), "\(bad)") { error in
                guard case DatasetError.notText(let location, let reason) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(location, tree.path("meta.csv") + ":2")
                XCTAssertTrue(reason.contains("byte column 8"), reason)
            }
        }
    }

    /// A label is data: in the summary it is escaped and shortened, never written raw.
    func testSummaryEscapesLabels() throws {
        let tree = try DatasetTree("escape")
        defer { tree.remove() }
        for n in ["1", "2"] { try tree.wav("\(n).wav", frames: 40) }
        try tree.text("meta.csv", "path,classname\n1.wav,\"\u{1B}]0;owned\u{7}\"\n2.wav,\(String(repeating: "L", count: 5000))\n")
        let text = try datasetSummary(layout: "csv:file=meta.csv", root: tree.root)
        XCTAssertFalse(text.contains("\u{1B}"), text)
        XCTAssertTrue(text.contains("\\u{1B}]0;owned\\u{07}"), text)
        XCTAssertTrue(text.contains("(5000 bytes)"), text)
        XCTAssertLessThan(text.count, 2000)
    }
}
