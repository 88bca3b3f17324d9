import XCTest
import Datasets

/// The original ESC-50 distribution and its 10-class ESC50-Actions subset.
final class ESC50LayoutTests: XCTestCase {
    /// One clip per class per fold (250 clips), as `meta/esc50.csv` + `audio/` lay them out.
    static func makeESC50() throws -> DatasetTree {
        let tree = try DatasetTree("ESC-50-master")
        var csv = "filename,fold,target,category,esc10,src_file,take\n"
        for fold in 1...5 {
            for (target, category) in KnownDatasetTests.esc50Categories.enumerated() {
                let name = "\(fold)-\(100 + target)-A-\(target).wav"
                try tree.wav("audio/\(name)", frames: 80)
                csv += "\(name),\(fold),\(target),\(category),False,\(100 + target),A\n"
            }
        }
        try tree.text("meta/esc50.csv", csv)
        return tree
    }

    func testESC50FoldsAndClassNamesWithSpaces() throws {
        let tree = try Self.makeESC50()
        defer { tree.remove() }
        let d = try Dataset.load("esc50", root: tree.root)
        XCTAssertEqual(d.name, "ESC50")
        XCTAssertEqual(d.folds, 5)
        XCTAssertEqual(d.classes.count, 50)
        XCTAssertEqual(d.classes, KnownDataset.esc50.classes)
        XCTAssertTrue(d.classes.contains("door wood knock"))
        XCTAssertFalse(d.classes.contains { $0.contains("_") })
        for k in 1...5 {
            let s = try d.split(fold: k)
            XCTAssertEqual(s.train.count, 200)
            XCTAssertEqual(s.test.count, 50)
            XCTAssertTrue(s.test.allSatisfy { $0.path.hasSuffix(".wav") && $0.path.contains("/audio/\(k)-") })
            XCTAssertTrue(s.train.allSatisfy { !$0.path.contains("/audio/\(k)-") })
        }
        let knock = try d.split(fold: 1).test.first { $0.classname == "door wood knock" }!
        XCTAssertEqual(d.classes[knock.label], "door wood knock")
    }

    /// ESC-10: the `esc10` rows of ESC-50's `meta/esc50.csv` and their files, read as ESC50 with
    /// the ten classes present and a note.
    func testESC10InsideESC50Metadata() throws {
        let esc10 = ["dog", "rooster", "rain", "sea_waves", "crackling_fire", "crying_baby", "sneezing", "clock_tick", "helicopter", "chainsaw"]
        let tree = try DatasetTree("ESC-10")
        defer { tree.remove() }
        var csv = "filename,fold,target,category,esc10,src_file,take\n"
        for fold in 1...5 {
            for (target, category) in KnownDatasetTests.esc50Categories.enumerated() where esc10.contains(category) {
                let name = "\(fold)-\(100 + target)-A-\(target).wav"
                try tree.wav("audio/\(name)", frames: 80)
                csv += "\(name),\(fold),\(target),\(category),True,\(100 + target),A\n"
            }
        }
        try tree.text("meta/esc50.csv", csv)
        let d = try Dataset.load("esc50", root: tree.root)
        XCTAssertEqual(d.classes, esc10.map { $0.replacingOccurrences(of: "_", with: " ") }.sorted())
        XCTAssertEqual(d.notes.count, 1)
        XCTAssertTrue(d.notes[0].hasPrefix("ESC50: 10 of its 50 classes are here (missing: "), d.notes[0])
        XCTAssertEqual(try d.split(fold: 2).test.count, 10)
    }

    func testESC50ActionsIsTheTenClassSubset() throws {
        let tree = try Self.makeESC50()
        defer { tree.remove() }
        let d = try Dataset.load("ESC50-Actions", root: tree.root)
        XCTAssertEqual(d.name, "ESC50-Actions")
        XCTAssertEqual(d.classes, ["breathing", "brushing teeth", "clapping", "coughing", "crying baby",
                                   "drinking sipping", "footsteps", "laughing", "sneezing", "snoring"])
        XCTAssertEqual(d.folds, 5)
        let s = try d.split(fold: 3)
        XCTAssertEqual(s.train.count, 40)
        XCTAssertEqual(s.test.count, 10)
        // Test items keep meta/esc50.csv's order; each carries its sorted label.
        XCTAssertEqual(Set(s.test.map(\.label)), Set(0..<10))
        for item in s.train + s.test { XCTAssertEqual(d.classes[item.label], item.classname) }
    }
}
