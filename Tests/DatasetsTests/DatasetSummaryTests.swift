import XCTest
import Datasets

/// What `palm dataset LAYOUT ROOT [--fold K] [--fewshot K --seed S] [--json]` prints.
final class DatasetSummaryTests: XCTestCase {
    func makeTree() throws -> DatasetTree {
        let tree = try DatasetTree("Beijing")
        for c in ["bangu", "daluo", "naobo", "xiaoluo"] { for i in 0..<10 { try tree.wav("\(c)/\(i).wav", frames: 800) } }
        return tree
    }

    func testText() throws {
        let tree = try makeTree()
        defer { tree.remove() }
        let text = try datasetSummary(layout: "beijing-opera", root: tree.root, fold: 2, fewShot: 3, seed: 1)
        XCTAssertTrue(text.contains("dataset   Beijing-Opera"), text)
        XCTAssertTrue(text.contains("classes   4"), text)
        XCTAssertTrue(text.contains("folds     5"), text)
        XCTAssertTrue(text.contains("8000 Hz x40"), text)
        XCTAssertTrue(text.contains("few-shot  3 per class"), text)
        XCTAssertTrue(text.contains("fold 2    train 12, test 8"), text)
        XCTAssertFalse(text.contains("fold 1 "), text)
        let all = try datasetSummary(layout: "beijing-opera", root: tree.root)
        XCTAssertEqual(all.components(separatedBy: "train 32, test 8").count - 1, 5, all)
    }

    func testJSONListsClassesSplitsAndChosenFiles() throws {
        let tree = try makeTree()
        defer { tree.remove() }
        let out = try datasetSummary(layout: "beijing-opera", root: tree.root, fold: 1, fewShot: 2, seed: 0, json: true)
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
        XCTAssertEqual(object["name"] as? String, "Beijing-Opera")
        XCTAssertEqual(object["classes"] as? [String], ["bangu", "daluo", "naobo", "xiaoluo"])
        XCTAssertEqual(object["folds"] as? Int, 5)
        let splits = object["splits"] as! [[String: Any]]
        XCTAssertEqual(splits.count, 1)
        let train = splits[0]["train"] as! [[String: Any]]
        let test = splits[0]["test"] as! [[String: Any]]
        XCTAssertEqual(train.count, 8)
        XCTAssertEqual(test.count, 8)
        let d = try Dataset.load("beijing-opera", root: tree.root)
        let expected = try d.split(fold: 1).train.fewShot(k: 2, seed: 0)
        XCTAssertEqual(train.map { $0["path"] as! String }, expected.map { d.relativePath($0.path) })
        XCTAssertEqual(train.map { $0["label"] as! Int }, expected.map(\.label))
        XCTAssertTrue((train[0]["path"] as! String).hasPrefix("bangu/"))
        // Stable output: same call, same bytes.
        XCTAssertEqual(out, try datasetSummary(layout: "beijing-opera", root: tree.root, fold: 1, fewShot: 2, seed: 0, json: true))
    }

    func testErrorsPropagate() throws {
        let tree = try makeTree()
        defer { tree.remove() }
        XCTAssertDatasetError(.noSuchFold(fold: 9, dataset: "Beijing-Opera", folds: 5)) {
            try datasetSummary(layout: "beijing-opera", root: tree.root, fold: 9)
        }
    }
}
