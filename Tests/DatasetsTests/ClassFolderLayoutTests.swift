import XCTest
import Datasets

/// VocalSound, SESA, Beijing Opera and the generic `folder` layout.
final class ClassFolderLayoutTests: XCTestCase {
    func testVocalSoundFolderNamesMapToReferenceStrings() throws {
        let tree = try DatasetTree("vocalsound")
        defer { tree.remove() }
        for folder in ["cough", "laughter", "sigh", "sneeze", "sniff", "throatclearing"] {
            for i in 0..<5 { try tree.wav("\(folder)/m00\(i)_\(folder).wav", frames: 80) }
        }
        let d = try Dataset.load("VocalSound", root: tree.root)
        XCTAssertEqual(d.classes, ["Cough", "Laughter", "Sigh", "Sneeze", "Sniff", "Throat clearing"])
        let s = try d.split()
        XCTAssertEqual(s.train.count, 24)
        XCTAssertEqual(s.test.count, 6)
        XCTAssertEqual(s.test.filter { $0.classname == "Throat clearing" }.count, 1)
    }

    func testVocalSoundOfficialTrainTestFolders() throws {
        let tree = try DatasetTree("vocalsound")
        defer { tree.remove() }
        for folder in ["Cough", "Laughter", "Sigh", "Sneeze", "Sniff", "Throat clearing"] {
            try tree.wav("train/\(folder)/a.wav", frames: 80)
            try tree.wav("train/\(folder)/b.wav", frames: 80)
            try tree.wav("test/\(folder)/c.wav", frames: 80)
        }
        let s = try Dataset.load("vocalsound", root: tree.root).split()
        XCTAssertEqual(s.train.count, 12)
        XCTAssertEqual(s.test.count, 6)
    }

    func testVocalSoundReleaseWithLabelsInFileNames() throws {
        let tree = try DatasetTree("vocalsound_16k")
        defer { tree.remove() }
        for label in ["cough", "laughter", "sigh", "sneeze", "sniff", "throatclearing"] {
            for speaker in 0..<5 { try tree.wav("audio_16k/f000\(speaker)_0_\(label).wav", frames: 80) }
        }
        let d = try Dataset.load("vocalsound", root: tree.root)
        XCTAssertEqual(d.classes, KnownDataset.vocalSound.classes)
        XCTAssertEqual(try d.split().test.count, 6)
        XCTAssertEqual(try d.split().train.filter { $0.classname == "Throat clearing" }.count, 4)
    }

    func testSESATrainTestFoldersWithPrefixedFiles() throws {
        let tree = try DatasetTree("SESA")
        defer { tree.remove() }
        for c in ["casual", "explosion", "gunshot", "siren"] {
            for i in 0..<3 { try tree.wav("train/\(c)_\(String(format: "%03d", i)).wav", frames: 80) }
            try tree.wav("test/\(c)_100.wav", frames: 80)
        }
        let d = try Dataset.load("sesa", root: tree.root)
        XCTAssertEqual(d.classes, ["casual", "explosion", "gunshot", "siren"])
        let s = try d.split()
        XCTAssertEqual(s.train.count, 12)
        XCTAssertEqual(s.test.count, 4)
        XCTAssertTrue(s.test.allSatisfy { $0.path.contains("/test/\($0.classname)_100.wav") })
    }

    func testBeijingOperaFiveDeterministicFolds() throws {
        let tree = try DatasetTree("BeijingOpera")
        defer { tree.remove() }
        // Wrapped in one extra folder, as the original archive is.
        for c in ["bangu", "daluo", "naobo", "xiaoluo"] {
            for i in 0..<10 { try tree.wav("Beijing Opera Percussion/\(c)/\(c)-\(i).wav", frames: 80) }
        }
        let d = try Dataset.load("beijing-opera", root: tree.root)
        XCTAssertEqual(d.name, "Beijing-Opera")
        XCTAssertEqual(d.folds, 5)
        XCTAssertEqual(d.classes, ["bangu", "daluo", "naobo", "xiaoluo"])
        var tested = Set<String>()
        for k in 1...5 {
            let s = try d.split(fold: k)
            XCTAssertEqual(s.test.count, 8)
            XCTAssertEqual(s.train.count, 32)
            XCTAssertEqual(Set(s.test.map(\.classname)).count, 4, "stratified")
            tested.formUnion(s.test.map(\.path))
        }
        XCTAssertEqual(tested.count, 40, "every clip is tested exactly once over the folds")
    }

    func testGenericFolderKeepsNamesAndSplits() throws {
        let tree = try DatasetTree("birds")
        defer { tree.remove() }
        for c in ["Owl", "blue tit", "wren_2"] { for i in 0..<5 { try tree.wav("\(c)/\(i).flac.wav", frames: 80) } }
        try tree.text("Owl/notes.txt", "ignored")
        let d = try Dataset.load("folder", root: tree.root)
        XCTAssertEqual(d.name, "birds")
        XCTAssertEqual(d.classes, ["Owl", "blue tit", "wren_2"])
        XCTAssertNil(d.folds)
        let s = try d.split()
        XCTAssertEqual(s.train.count, 12)
        XCTAssertEqual(s.test.count, 3)
    }

    func testGenericFolderWithTrainTest() throws {
        let tree = try DatasetTree("split")
        defer { tree.remove() }
        for c in ["a", "b"] {
            try tree.wav("train/\(c)/1.wav", frames: 80)
            try tree.wav("train/\(c)/2.wav", frames: 80)
            try tree.wav("test/\(c)/3.wav", frames: 80)
        }
        let s = try Dataset.load("folder", root: tree.root).split()
        XCTAssertEqual(s.train.count, 4)
        XCTAssertEqual(s.test.count, 2)
    }
}
