import Foundation
import XCTest
import Datasets
import TestSupport

/// palm's few-shot picks against the reference's: a PALM reference layout tree built from
/// `Tests/Fixtures/fewshot/train.csv` and `test.csv`, and the rows pandas picks from it with
/// `np.random.seed(S)` then `df_class.sample(K)` per sorted class (`picks.json`, written by
/// `Scripts/fixtures/fewshot.py` with numpy and pandas).
final class ReferenceFewShotTests: XCTestCase {
    struct Case: Decodable {
        var seed: UInt64
        var k: Int
        var `repeat`: Bool
        /// 0-based data rows of train.csv, in the reference's few-shot DataFrame order.
        var rows: [Int]
        /// The same procedure on the rows listed in path order within each class.
        var by_path: [Int]
    }

    struct Picks: Decodable {
        var classes: [String]
        var cases: [Case]
        var numpy: String
        var pandas: String
    }

    /// One data row of the fixture's train.csv / test.csv.
    struct Row {
        var path: String
        var classname: String
    }

    func fixture(_ name: String) throws -> String {
        let path = Fixtures.path("fewshot/" + name)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw XCTSkip("fixture \(path) missing: run python3 Scripts/fixtures/fewshot.py")
        }
        return String(decoding: data, as: UTF8.self)
    }

    func picks() throws -> Picks { try JSONDecoder().decode(Picks.self, from: Data(try fixture("picks.json").utf8)) }

    /// The rows of a fixture list (no field there needs quoting).
    func rows(_ name: String) throws -> [Row] {
        let lines = try fixture(name).split(whereSeparator: \.isNewline).dropFirst()
        return lines.map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            precondition(fields.count == 2, "\(name): expected path,classname, found '\(line)'")
            return Row(path: fields[0], classname: fields[1])
        }
    }

    /// The reference layout: train.csv and test.csv copied as they are, a tiny WAV per row.
    func referenceTree() throws -> DatasetTree {
        let tree = try DatasetTree("SESA")
        try tree.text("train.csv", try fixture("train.csv"))
        try tree.text("test.csv", try fixture("test.csv"))
        for row in try rows("train.csv") + rows("test.csv") { try tree.wav(row.path, frames: 40) }
        return tree
    }

    func testReaderKeepsFileOrderAndSortsClassesByCodePoint() throws {
        let tree = try referenceTree()
        defer { tree.remove() }
        let d = try Dataset.load("sesa", root: tree.root)
        XCTAssertTrue(d.layout.hasPrefix("PALM reference"), d.layout)
        XCTAssertEqual(d.classes, try picks().classes, "Python's sorted(): code points, upper case before '_' before lower case before 'é'")
        XCTAssertEqual(try d.split().train.map { d.relativePath($0.path) }, try rows("train.csv").map(\.path), "train.csv row order")
        print("reference layout: classes \(d.classes) in Python's order; \(try d.split().train.count) train rows in file order")
    }

    /// `palm dataset sesa ROOT --fewshot K --seed S --json` lists exactly pandas's rows, in order.
    func testSummaryListsThePandasPicks() throws {
        let tree = try referenceTree()
        defer { tree.remove() }
        let fx = try picks()
        let train = try rows("train.csv")
        for c in fx.cases where !c.repeat {
            let out = try datasetSummary(layout: "sesa", root: tree.root, fewShot: c.k, seed: c.seed, json: true)
            let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
            let split = (object["splits"] as! [[String: Any]])[0]
            let listed = (split["train"] as! [[String: Any]]).map { ($0["path"] as! String, $0["classname"] as! String) }
            let expected = c.rows.map { (train[$0].path, train[$0].classname) }
            XCTAssertEqual(listed.map(\.0), expected.map(\.0), "seed \(c.seed), K = \(c.k): paths")
            XCTAssertEqual(listed.map(\.1), expected.map(\.1), "seed \(c.seed), K = \(c.k): classes")
            XCTAssertEqual((split["test"] as! [Any]).count, try rows("test.csv").count, "the test list stays whole")
            print("palm dataset sesa --fewshot \(c.k) --seed \(c.seed) --json: \(listed.count) train clips, "
                  + "\(listed.map(\.0) == expected.map(\.0) ? "the same" : "NOT the same") as pandas \(fx.pandas) / numpy \(fx.numpy) "
                  + "(first \(listed.first?.0 ?? "-"), last \(listed.last?.0 ?? "-"))")
        }
    }

    func testSamplerMatchesPandasWithAndWithoutRepeat() throws {
        let tree = try referenceTree()
        defer { tree.remove() }
        let d = try Dataset.load("palm:SESA", root: tree.root)
        let all = try d.split().train
        for c in try picks().cases {
            let chosen = all.fewShot(k: c.k, seed: c.seed, repeat: c.repeat)
            XCTAssertEqual(chosen, c.rows.map { all[$0] }, "seed \(c.seed), K = \(c.k), repeat \(c.repeat)")
            print("sampler seed \(c.seed) K \(c.k) repeat \(c.repeat): \(chosen.count) rows, "
                  + "\(chosen == c.rows.map { all[$0] } ? "equal" : "DIFFERENT") to pandas's rows \(c.rows.prefix(6))...")
        }
    }

    /// A class of exactly K rows is still drawn: pandas returns it permuted (and moves the stream).
    func testAClassOfExactlyKIsPermuted() throws {
        let fx = try picks()
        let train = try rows("train.csv")
        let catRows = train.indices.filter { train[$0].classname == "Cat" }
        XCTAssertEqual(catRows.count, 16)
        let permuted = fx.cases.filter { $0.k == 16 && !$0.repeat }.map { c in c.rows.filter { train[$0].classname == "Cat" } }
        for p in permuted { XCTAssertEqual(Set(p), Set(catRows)) }
        XCTAssertTrue(permuted.contains { $0 != catRows }, "pandas reorders a class of exactly K")
    }

    /// The generic `csv` layout over the same lists, and the folded reference layout
    /// (`csv_files/train_1.csv`), read rows in file order too: the same picks.
    func testCSVLayoutAndFoldedReferenceLayoutPickTheSame() throws {
        let tree = try referenceTree()
        defer { tree.remove() }
        try tree.text("csv_files/train_1.csv", try fixture("train.csv"))
        try tree.text("csv_files/test_1.csv", try fixture("test.csv"))
        let csv = try Dataset.load("csv", root: tree.root)
        let folded = try Dataset.load("palm:SESA", root: tree.root)
        XCTAssertEqual(folded.folds, 1)
        let train = try rows("train.csv")
        for c in try picks().cases where !c.repeat {
            let expected = c.rows.map { train[$0].path }
            XCTAssertEqual(try csv.split().train.fewShot(k: c.k, seed: c.seed).map { csv.relativePath($0.path) }, expected,
                           "csv layout, seed \(c.seed), K = \(c.k)")
            XCTAssertEqual(try folded.split(fold: 1).train.fewShot(k: c.k, seed: c.seed).map { folded.relativePath($0.path) }, expected,
                           "csv_files/train_1.csv, seed \(c.seed), K = \(c.k)")
        }
        print("csv layout and csv_files/ fold 1: pandas's picks for seeds \(Set(try picks().cases.map(\.seed)).sorted()), K 2 and 16")
    }

    /// Class folders list a class's files by path: the picks are pandas's on a list in that order.
    func testFolderLayoutDrawsFromPathOrder() throws {
        let tree = try DatasetTree("folders")
        defer { tree.remove() }
        let train = try rows("train.csv")
        func folderPath(_ r: Row, _ part: String) -> String { "\(part)/\(r.classname)/\((r.path as NSString).lastPathComponent)" }
        for r in train { try tree.wav(folderPath(r, "train"), frames: 40) }
        for r in try rows("test.csv") { try tree.wav(folderPath(r, "test"), frames: 40) }
        let d = try Dataset.load("folder", root: tree.root)
        for c in try picks().cases {
            let chosen = try d.split().train.fewShot(k: c.k, seed: c.seed, repeat: c.repeat).map { d.relativePath($0.path) }
            XCTAssertEqual(chosen, c.by_path.map { folderPath(train[$0], "train") }, "folder layout, seed \(c.seed), K = \(c.k), repeat \(c.repeat)")
        }
        print("folder layout: pandas's picks from path-ordered classes for \(try picks().cases.count) cases")
    }
}
