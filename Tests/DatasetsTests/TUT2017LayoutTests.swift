import XCTest
import Datasets

/// The original TUT Acoustic Scenes 2017 development set (`meta.txt`, `evaluation_setup/`).
final class TUT2017LayoutTests: XCTestCase {
    func testFourFoldsFromEvaluationSetup() throws {
        let tree = try DatasetTree("TUT-acoustic-scenes-2017-development")
        defer { tree.remove() }
        let scenes = KnownDataset.tut2017.classes
        var meta = ""
        var files: [[String]] = Array(repeating: [], count: 4)   // per fold: "path\tlabel"
        for (si, scene) in scenes.enumerated() {
            for k in 0..<4 {
                let rel = "audio/s\(si)_\(k)_0_10.wav"
                try tree.wav(rel, frames: 80)
                meta += "\(rel)\t\(scene)\ts\(si)\n"
                files[k].append("\(rel)\t\(scene)")
            }
        }
        try tree.text("meta.txt", meta)
        for k in 1...4 {
            let test = files[k - 1]
            let train = (0..<4).filter { $0 != k - 1 }.flatMap { files[$0] }
            try tree.text("evaluation_setup/fold\(k)_train.txt", train.joined(separator: "\n") + "\n")
            // The evaluate list of fold 2 omits labels: they come from meta.txt.
            let evaluate = k == 2 ? test.map { String($0.split(separator: "\t")[0]) } : test
            try tree.text("evaluation_setup/fold\(k)_evaluate.txt", evaluate.joined(separator: "\n") + "\n")
        }
        let d = try Dataset.load("tut2017", root: tree.root)
        XCTAssertEqual(d.name, "TUT2017")
        XCTAssertEqual(d.folds, 4)
        XCTAssertEqual(d.classes, scenes)
        XCTAssertTrue(d.classes.contains("cafe/restaurant"))
        for k in 1...4 {
            let s = try d.split(fold: k)
            XCTAssertEqual(s.train.count, 45)
            XCTAssertEqual(s.test.count, 15)
            XCTAssertTrue(s.test.allSatisfy { $0.path.contains("_\(k - 1)_0_10.wav") })
        }
        let s2 = try d.split(fold: 2)
        for item in s2.test { XCTAssertEqual(d.classes[item.label], item.classname) }
    }
}
