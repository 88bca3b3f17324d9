import XCTest
import Datasets

/// The PALM reference layout: `audios/`, `train.csv`/`test.csv`, `csv_files/train_k.csv`.
final class ReferenceLayoutTests: XCTestCase {
    func testTrainTestCSVs() throws {
        let tree = try DatasetTree("SESA")
        defer { tree.remove() }
        var train = "path,classname\n", test = "path,classname\n"
        for c in ["siren", "casual", "gunshot", "explosion"] {
            for i in 0..<3 { try tree.wav("audios/\(c)_\(i).wav"); train += "audios/\(c)_\(i).wav,\(c)\n" }
            try tree.wav("audios/\(c)_t.wav"); test += "audios/\(c)_t.wav,\(c)\n"
        }
        try tree.text("train.csv", train)
        try tree.text("test.csv", test)

        let d = try Dataset.load("sesa", root: tree.root)
        XCTAssertEqual(d.name, "SESA")
        XCTAssertTrue(d.layout.hasPrefix("PALM reference"))
        XCTAssertEqual(d.classes, ["casual", "explosion", "gunshot", "siren"])
        XCTAssertNil(d.folds)
        let s = try d.split()
        XCTAssertEqual(s.train.count, 12)
        XCTAssertEqual(s.test.count, 4)
        XCTAssertEqual(try d.split(fold: 1), s)
        for item in s.train + s.test {
            XCTAssertEqual(d.classes[item.label], item.classname)
            XCTAssertTrue(FileManager.default.fileExists(atPath: item.path))
        }
        XCTAssertEqual(s.train.first?.classname, "siren", "items keep the CSV's order")
    }

    func testFoldCSVsAndClassStringsAsWritten() throws {
        let tree = try DatasetTree("ESC50")
        defer { tree.remove() }
        // Two folds; class strings are taken exactly as the reference CSVs write them.
        let classes = ["dog", "door wood knock", "Crying baby"]
        var rows: [[String]] = [[], []]
        for (ci, c) in classes.enumerated() {
            for i in 0..<2 {
                let rel = "audios/\(ci)-\(i).wav"
                try tree.wav(rel)
                rows[i].append("\(rel),\(c)")
            }
        }
        for k in 1...2 {
            try tree.text("csv_files/train_\(k).csv", "path,classname\n" + rows[2 - k].joined(separator: "\n") + "\n")
            try tree.text("csv_files/test_\(k).csv", "path,classname\n" + rows[k - 1].joined(separator: "\n") + "\n")
        }
        let d = try Dataset.load("palm:ESC50", root: tree.root)
        XCTAssertEqual(d.folds, 2)
        XCTAssertEqual(d.classes, ["Crying baby", "dog", "door wood knock"], "sorted by code points: capitals first")
        let s1 = try d.split(fold: 1), s2 = try d.split(fold: 2)
        XCTAssertEqual(s1.train.map(\.path), s2.test.map(\.path))
        XCTAssertEqual(s1.test.count, 3)
        XCTAssertEqual(s1.fold, 1)
        XCTAssertEqual(Set(d.items.map(\.path)).count, 6)
    }

    func testQuotedFieldsAndCRLF() throws {
        let tree = try DatasetTree("quoted")
        defer { tree.remove() }
        try tree.wav("audios/a, b.wav")
        try tree.wav("audios/c.wav")
        try tree.wav("audios/d.wav")
        try tree.text("train.csv", "path,classname\r\n\"audios/a, b.wav\",\"car horn\"\r\naudios/c.wav,siren\r\n")
        try tree.text("test.csv", "path,classname\r\naudios/d.wav,siren\r\n")
        let d = try Dataset.load("palm", root: tree.root)
        XCTAssertEqual(d.classes, ["car horn", "siren"])
        XCTAssertEqual(try d.split().train.first?.path, tree.path("audios/a, b.wav"))
    }
}
