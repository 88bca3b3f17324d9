import XCTest
import Datasets

/// The generic `csv` layout and its options.
final class CSVLayoutTests: XCTestCase {
    func makeTree() throws -> DatasetTree {
        let tree = try DatasetTree("custom")
        var meta = "file;kind;fold;part\n"
        for (ci, c) in ["cat", "dog", "bird"].enumerated() {
            for i in 0..<6 {
                try tree.wav("clips/\(c)\(i).wav", frames: 80)
                meta += "\(c)\(i).wav;\(c);\(i % 3 + 1);\(i == ci ? "test" : "train")\n"
            }
        }
        try tree.text("meta.csv", meta)
        return tree
    }

    func testFoldColumn() throws {
        let tree = try makeTree()
        defer { tree.remove() }
        let d = try Dataset.load("csv:file=meta.csv,path=file,label=kind,fold=fold,base=clips,delimiter=;", root: tree.root)
        XCTAssertEqual(d.classes, ["bird", "cat", "dog"])
        XCTAssertEqual(d.folds, 3)
        let s = try d.split(fold: 2)
        XCTAssertEqual(s.test.count, 6)
        XCTAssertEqual(s.train.count, 12)
    }

    func testSplitColumn() throws {
        let tree = try makeTree()
        defer { tree.remove() }
        let d = try Dataset.load("csv:file=meta.csv,path=file,label=kind,split=part,base=clips,delimiter=;", root: tree.root)
        XCTAssertNil(d.folds)
        XCTAssertEqual(try d.split().test.count, 3)
        XCTAssertEqual(try d.split().train.count, 15)
    }

    func testDefaultTrainAndTestFiles() throws {
        let tree = try DatasetTree("two")
        defer { tree.remove() }
        for n in ["x1", "x2", "y1", "y2"] { try tree.wav("\(n).wav", frames: 80) }
        try tree.text("train.csv", "path,classname\nx1.wav,x\ny1.wav,y\n")
        try tree.text("test.csv", "path,classname\nx2.wav,x\ny2.wav,y\n")
        let s = try Dataset.load("csv", root: tree.root).split()
        XCTAssertEqual(s.train.map(\.classname), ["x", "y"])
        XCTAssertEqual(s.test.map(\.label), [0, 1])
    }

    func testUnknownOptionIsAnError() {
        XCTAssertThrowsError(try DatasetLayout.parse("csv:labl=kind")) { error in
            XCTAssertTrue("\(error)".contains("labl"), "\(error)")
        }
    }
}
