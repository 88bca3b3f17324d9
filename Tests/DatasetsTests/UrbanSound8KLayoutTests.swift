import XCTest
import Datasets

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
