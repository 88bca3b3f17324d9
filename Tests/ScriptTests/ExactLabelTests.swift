import Bindings
import Datasets
import Foundation
import ScriptCore
import XCTest

/// Labels that differ only in Unicode normalisation stay two classes in scripts too (issue 14,
/// deliver 6): the dataset keeps them byte for byte, and the maps scripts see (class counts,
/// a peek's counts, any map a script builds) must not merge them, as Swift's `String ==` and
/// so a `[String: _]` would.
final class ExactLabelTests: XCTestCase {
    static let nfc = "caf\u{E9}"      // é as one code point
    static let nfd = "cafe\u{301}"    // e + combining acute accent

    override class func setUp() {
        super.setUp()
        Bindings.register()  // dataset() is a host binding
    }

    func testMapKeysAreKeptByteForByte() {
        XCTAssertEqual(Self.nfc, Self.nfd, "Swift calls the two spellings equal")
        let m = MapBox([(Self.nfc, .int(1)), (Self.nfd, .int(2))])
        XCTAssertEqual(m.count, 2)
        XCTAssertEqual(m.keys.map { Array($0.utf8) }, [Array(Self.nfc.utf8), Array(Self.nfd.utf8)])
        guard case let .number(a)? = m[Self.nfc], case let .number(b)? = m[Self.nfd] else { return XCTFail("lookups failed") }
        XCTAssertEqual([a, b], [1, 2])
        m[Self.nfc] = nil
        XCTAssertEqual(m.keys.map { Array($0.utf8) }, [Array(Self.nfd.utf8)], "removing one spelling leaves the other")
    }

    func testClassCountsKeepBothSpellings() throws {
        let root = NSTemporaryDirectory() + "palm-exact-labels-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let tone = (0..<400).map { sinf(Float($0) * 0.1) * 0.5 }
        for n in 1...5 { try AudioFileInfo.writeWAV(path: "\(root)/\(n).wav", samples: tone, sampleRate: 8000) }
        // Three clips of NFC "café", two of NFD "café".
        let rows = [(1, Self.nfc), (2, Self.nfd), (3, Self.nfc), (4, Self.nfd), (5, Self.nfc)].map { "\($0.0).wav,\($0.1)" }
        try ("path,classname\n" + rows.joined(separator: "\n") + "\n").write(toFile: root + "/meta.csv", atomically: true, encoding: .utf8)

        var lines: [String] = []
        let interp = Interpreter()
        interp.output = { lines.append($0) }
        try interp.run("""
            d = dataset("csv:file=meta.csv", "\(root)")
            print(len(d.classes))
            c = d.items.class_counts
            print(len(c), c[d.classes[0]], c[d.classes[1]])
            p = d.peek().class_counts
            print(len(p), p[d.classes[0]], p[d.classes[1]])
            """)
        // The dataset's note about the two spellings comes first.
        XCTAssertTrue(lines.first?.hasPrefix("note: ") == true, "\(lines)")
        // Classes sort by code point: NFD (e, U+0065) before NFC (é, U+00E9).
        XCTAssertEqual(Array(lines.dropFirst()), ["2", "2 2 3", "2 2 3"])
    }
}
