import XCTest
import Datasets

/// Each kind of bad input gives its own error naming the place and what was expected.
final class BadInputTests: XCTestCase {
    /// A valid reference-layout tree with classes a, b (2 train, 1 test each).
    func referenceTree(train: String? = nil, test: String? = nil) throws -> DatasetTree {
        let tree = try DatasetTree("bad")
        for n in ["a1", "a2", "a3", "b1", "b2", "b3"] { try tree.wav("audios/\(n).wav", frames: 40) }
        try tree.text("train.csv", train ?? "path,classname\naudios/a1.wav,a\naudios/a2.wav,a\naudios/b1.wav,b\naudios/b2.wav,b\n")
        try tree.text("test.csv", test ?? "path,classname\naudios/a3.wav,a\naudios/b3.wav,b\n")
        return tree
    }

    func testMissingRoot() {
        XCTAssertDatasetError(.missingRoot(path: "/nonexistent/palm/ESC50"), mentions: ["/nonexistent/palm/ESC50"]) {
            try Dataset.load("esc50", root: "/nonexistent/palm/ESC50")
        }
    }

    func testMissingCSVColumn() throws {
        let tree = try referenceTree(train: "path,label\naudios/a1.wav,a\n")
        defer { tree.remove() }
        XCTAssertDatasetError(.missingColumn(file: tree.path("train.csv"), column: "classname", found: ["path", "label"]),
                              mentions: ["train.csv:1", "classname", "path, label"]) {
            try Dataset.load("palm", root: tree.root)
        }
    }

    func testRowNamingAMissingFile() throws {
        let tree = try referenceTree(test: "path,classname\naudios/a3.wav,a\naudios/gone.wav,b\n")
        defer { tree.remove() }
        XCTAssertDatasetError(.missingFile(location: tree.path("test.csv") + ":3", path: "audios/gone.wav"),
                              mentions: ["test.csv:3", "audios/gone.wav"]) {
            try Dataset.load("palm", root: tree.root)
        }
    }

    func testEmptyClassFolder() throws {
        let tree = try DatasetTree("empty")
        defer { tree.remove() }
        try tree.wav("a/1.wav", frames: 40)
        try FileManager.default.createDirectory(atPath: tree.path("b"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try Dataset.load("folder", root: tree.root)) { error in
            guard case DatasetError.emptyClass(let name, let location) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "b")
            XCTAssertTrue(location.contains(tree.path("b")), location)
        }
    }

    /// A known dataset with some of its classes is read with those, and says so in a note.
    func testKnownDatasetWithSomeOfItsClasses() throws {
        let tree = try DatasetTree("SESA")
        defer { tree.remove() }
        for c in ["casual", "explosion", "gunshot"] {   // no siren
            try tree.wav("train/\(c)_1.wav", frames: 40)
            try tree.wav("test/\(c)_2.wav", frames: 40)
        }
        let d = try Dataset.load("sesa", root: tree.root)
        XCTAssertEqual(d.classes, ["casual", "explosion", "gunshot"])
        XCTAssertEqual(d.notes, ["SESA: 3 of its 4 classes are here (missing: siren); labels index the classes present"])
        XCTAssertEqual(try d.split().test.map(\.label), [0, 1, 2])
    }

    func testKnownDatasetWithNoneOfItsClassesIsRefused() throws {
        let tree = try DatasetTree("SESA")
        defer { tree.remove() }
        try tree.wav("train/other/x.wav", frames: 40)
        try tree.wav("test/other/y.wav", frames: 40)
        XCTAssertThrowsError(try Dataset.load("sesa", root: tree.root)) { XCTAssertTrue("\($0)".contains("SESA") || "\($0)".contains("other"), "\($0)") }
    }

    func testClassWithoutTrainingItems() throws {
        let tree = try referenceTree(train: "path,classname\naudios/a1.wav,a\n")
        defer { tree.remove() }
        XCTAssertThrowsError(try Dataset.load("palm", root: tree.root)) { error in
            guard case DatasetError.emptyClass(let name, let location) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "b")
            XCTAssertTrue(location.contains("training part"), location)
        }
    }

    func testDuplicateRows() throws {
        let tree = try referenceTree(train: "path,classname\naudios/a1.wav,a\naudios/b1.wav,b\naudios/a1.wav,a\n")
        defer { tree.remove() }
        XCTAssertDatasetError(.duplicateRow(file: tree.path("train.csv"), line: 4, firstLine: 2, path: tree.path("audios/a1.wav")),
                              mentions: ["train.csv:4", "line 2"]) {
            try Dataset.load("palm", root: tree.root)
        }
    }

    func testTrainTestOverlap() throws {
        let tree = try referenceTree(test: "path,classname\naudios/a1.wav,a\n")
        defer { tree.remove() }
        XCTAssertDatasetError(.trainTestOverlap(path: tree.path("audios/a1.wav"), fold: nil)) {
            try Dataset.load("palm", root: tree.root)
        }
    }

    func testFoldThatDoesNotExist() throws {
        let tree = try ESC50LayoutTests.makeESC50()
        defer { tree.remove() }
        let d = try Dataset.load("esc50", root: tree.root)
        XCTAssertDatasetError(.noSuchFold(fold: 6, dataset: "ESC50", folds: 5), mentions: ["1...5", "fold 6"]) { try d.split(fold: 6) }
        XCTAssertDatasetError(.noSuchFold(fold: 0, dataset: "ESC50", folds: 5)) { try d.split(fold: 0) }
        XCTAssertDatasetError(.foldRequired(dataset: "ESC50", folds: 5)) { try d.split() }
        let single = try referenceTree()
        defer { single.remove() }
        XCTAssertDatasetError(.noSuchFold(fold: 2, dataset: "bad", folds: nil), mentions: ["no folds"]) {
            try Dataset.load("palm", root: single.root).split(fold: 2)
        }
    }

    func testUnknownDatasetNameListsTheKnownOnes() {
        XCTAssertThrowsError(try Dataset.load("esc-100", root: "/tmp")) { error in
            guard case DatasetError.unknownDataset(let name, let known) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "esc-100")
            XCTAssertEqual(Array(known.prefix(11)), KnownDataset.allCases.map(\.name))
            for n in KnownDataset.allCases.map(\.name) + ["folder", "csv"] {
                XCTAssertTrue("\(error)".contains(n), "the message lists \(n)")
            }
        }
    }

    func testUnknownClassLabel() throws {
        let tree = try DatasetTree("ESC-50")
        defer { tree.remove() }
        try tree.wav("audio/1.wav", frames: 40)
        try tree.text("meta/esc50.csv", "filename,fold,target,category\n1.wav,1,0,dragon\n")
        XCTAssertThrowsError(try Dataset.load("esc50", root: tree.root)) { error in
            guard case DatasetError.unknownClass(let label, let location, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(label, "dragon")
            XCTAssertEqual(location, tree.path("meta/esc50.csv") + ":2")
        }
    }

    func testBadFoldValue() throws {
        let tree = try DatasetTree("ESC-50")
        defer { tree.remove() }
        try tree.wav("audio/1.wav", frames: 40)
        try tree.text("meta/esc50.csv", "filename,fold,target,category\n1.wav,7,0,dog\n")
        XCTAssertDatasetError(.malformedRow(location: tree.path("meta/esc50.csv") + ":2", reason: "fold '7' is not 1...5")) {
            try Dataset.load("esc50", root: tree.root)
        }
    }

    func testMissingLayoutFile() throws {
        let tree = try DatasetTree("empty")
        defer { tree.remove() }
        XCTAssertDatasetError(.missingLayoutFile(path: tree.path("metadata/UrbanSound8K.csv"), layout: "UrbanSound8K original"),
                              mentions: ["metadata/UrbanSound8K.csv"]) {
            try Dataset.load("urbansound8k", root: tree.root)
        }
    }

    func testRowWithWrongFieldCount() throws {
        let tree = try referenceTree(train: "path,classname\naudios/a1.wav,a,extra\n")
        defer { tree.remove() }
        XCTAssertThrowsError(try Dataset.load("palm", root: tree.root)) { error in
            XCTAssertTrue("\(error)".contains("train.csv:2"), "\(error)")
        }
    }
}
