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

/// The original UrbanSound8K distribution.
final class UrbanSound8KLayoutTests: XCTestCase {
    func testTenFoldsFromTheMetadata() throws {
        let tree = try DatasetTree("UrbanSound8K")
        defer { tree.remove() }
        let classes = ["air_conditioner", "car_horn", "children_playing", "dog_bark", "drilling",
                       "engine_idling", "gun_shot", "jackhammer", "siren", "street_music"]
        var csv = "slice_file_name,fsID,start,end,salience,fold,classID,class\n"
        for fold in 1...10 {
            for (id, c) in classes.enumerated() {
                let name = "\(1000 + fold)-\(id)-0-0.wav"
                try tree.wav("audio/fold\(fold)/\(name)", frames: 80)
                csv += "\(name),\(1000 + fold),0.0,1.0,1,\(fold),\(id),\(c)\n"
            }
        }
        // A second clip of the dog in fold 2.
        try tree.wav("audio/fold2/2000-3-1-0.wav", frames: 80)
        csv += "2000-3-1-0.wav,2000,0.0,1.0,1,2,3,dog_bark\n"
        try tree.text("metadata/UrbanSound8K.csv", csv)

        let d = try Dataset.load("urbansound8k", root: tree.root)
        XCTAssertEqual(d.name, "UrbanSound8K")
        XCTAssertEqual(d.folds, 10)
        XCTAssertEqual(d.classes, ["air conditioner", "car horn", "children playing", "dog bark", "drilling",
                                   "engine idling", "gun shot", "jackhammer", "siren", "street music"])
        let s2 = try d.split(fold: 2)
        XCTAssertEqual(s2.test.count, 11)
        XCTAssertEqual(s2.train.count, 90)
        XCTAssertTrue(s2.test.allSatisfy { $0.path.contains("/audio/fold2/") })
        XCTAssertEqual(s2.test.filter { $0.classname == "dog bark" }.count, 2)
        XCTAssertEqual(try d.split(fold: 10).test.count, 10)
        XCTAssertEqual(try Dataset.load("US8K", root: tree.root).classes, d.classes)
    }
}
