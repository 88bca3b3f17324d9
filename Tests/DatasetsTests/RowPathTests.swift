import Foundation
import XCTest
import Datasets

/// Paths written in lists stay inside the dataset root (issue 14, deliver 5): `..` out of the
/// root, absolute paths without `absolute=yes`, NUL and control characters, and `..` through a
/// linked folder are refused naming the list and line; every layout that reads paths from a
/// list keeps the rule.
final class RowPathTests: XCTestCase {
    /// A csv tree: clips/a1, a2 (class a), clips/b1, b2 (class b), and meta.csv listing them
    /// (lines 2-5) followed by `extra` rows (line 6 on).
    func csvTree(extra: [String] = []) throws -> DatasetTree {
        let tree = try DatasetTree("rows")
        for n in ["a1", "a2", "b1", "b2"] { try tree.wav("clips/\(n).wav", frames: 40) }
        let rows = ["clips/a1.wav,a", "clips/a2.wav,a", "clips/b1.wav,b", "clips/b2.wav,b"] + extra
        try tree.text("meta.csv", "path,classname\n" + rows.joined(separator: "\n") + "\n")
        return tree
    }

    func assertRefused(_ spec: String, _ tree: DatasetTree, location: String, path: String, mentions: [String],
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Dataset.load(spec, root: tree.root), file: file, line: line) { error in
            guard case DatasetError.refusedPath(let l, let p, _) = error else {
                return XCTFail("expected refusedPath, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(l, location, file: file, line: line)
            XCTAssertEqual(p, path, file: file, line: line)
            for m in mentions {
                XCTAssertTrue("\(error)".contains(m), "'\(error)' should mention '\(m)'", file: file, line: line)
            }
        }
    }

    func testParentStepsOutOfTheRootAreRefusedNamingTheRow() throws {
        let tree = try csvTree(extra: ["../../../../etc/passwd,a"])
        defer { tree.remove() }
        assertRefused("csv:file=meta.csv", tree, location: tree.path("meta.csv") + ":6", path: "../../../../etc/passwd",
                      mentions: ["meta.csv:6", "leads outside the dataset root \(tree.root)"])
    }

    /// A file that exists beside the root is refused too: the rule is where it lies, not whether it exists.
    func testAnExistingFileBesideTheRootIsRefused() throws {
        let tree = try csvTree()
        defer { tree.remove() }
        try tree.text("meta.csv", "path,classname\na1.wav,a\na2.wav,a\nb1.wav,b\nb2.wav,b\n../../beside.wav,b\n")
        try tree.wav("../beside.wav", frames: 40)
        assertRefused("csv:file=meta.csv,base=clips", tree, location: tree.path("meta.csv") + ":6", path: "../../beside.wav",
                      mentions: ["outside the dataset root"])
    }

    func testParentStepsInsideTheRootAreResolved() throws {
        let tree = try csvTree(extra: ["clips/../clips/./sub/../c1.wav,c"])
        defer { tree.remove() }
        try tree.wav("clips/c1.wav", frames: 40)
        let d = try Dataset.load("csv:file=meta.csv", root: tree.root)
        XCTAssertTrue(d.items.contains { $0.path == tree.path("clips/c1.wav") && $0.classname == "c" }, "\(d.items.map(\.path))")
    }

    func testAbsoluteRowsNeedTheLayoutsOptIn() throws {
        let tree = try DatasetTree("rows")
        defer { tree.remove() }
        let elsewhere = try tree.wav("../elsewhere/z.wav", frames: 40)
        let z = tree.outside("elsewhere/z.wav")
        try tree.wav("clips/a1.wav", frames: 40)
        try tree.text("meta.csv", "path,classname\nclips/a1.wav,a\n\(z),b\n")
        assertRefused("csv:file=meta.csv", tree, location: tree.path("meta.csv") + ":3", path: z,
                      mentions: ["absolute path", "absolute=yes"])
        let d = try Dataset.load("csv:file=meta.csv,absolute=yes", root: tree.root)
        XCTAssertEqual(Set(d.items.map(\.path)), [tree.path("clips/a1.wav"), z])
        XCTAssertTrue(FileManager.default.fileExists(atPath: elsewhere))

        // absolute=yes opens absolute rows only: a relative row still stays inside the root.
        try tree.text("meta.csv", "path,classname\nclips/a1.wav,a\n../elsewhere/z.wav,b\n")
        assertRefused("csv:file=meta.csv,absolute=yes", tree, location: tree.path("meta.csv") + ":3", path: "../elsewhere/z.wav",
                      mentions: ["outside the dataset root"])
        XCTAssertThrowsError(try DatasetLayout.parse("csv:absolute=maybe")) { XCTAssertTrue("\($0)".contains("yes or no"), "\($0)") }
    }

    func testReferenceLayoutRowsStayInside() throws {
        let tree = try DatasetTree("ref")
        defer { tree.remove() }
        for n in ["a1", "a2", "b1", "b2"] { try tree.wav("audios/\(n).wav", frames: 40) }
        try tree.text("train.csv", "path,classname\naudios/a1.wav,a\n../../../../etc/passwd,b\n")
        try tree.text("test.csv", "path,classname\naudios/a2.wav,a\naudios/b2.wav,b\n")
        assertRefused("palm", tree, location: tree.path("train.csv") + ":3", path: "../../../../etc/passwd", mentions: ["train.csv:3"])
        try tree.text("train.csv", "path,classname\naudios/a1.wav,a\n/etc/passwd,b\n")
        assertRefused("palm", tree, location: tree.path("train.csv") + ":3", path: "/etc/passwd", mentions: ["absolute path"])
    }

    func testESC50AndUrbanSound8KFileNamesStayInside() throws {
        let esc = try DatasetTree("ESC-50")
        defer { esc.remove() }
        try esc.wav("audio/1-1-A-0.wav", frames: 40)
        try esc.text("meta/esc50.csv", "filename,fold,target,category\n1-1-A-0.wav,1,0,dog\n../../../etc/passwd,1,0,dog\n")
        assertRefused("esc50", esc, location: esc.path("meta/esc50.csv") + ":3", path: "../../../etc/passwd", mentions: ["esc50.csv:3"])

        let us8k = try DatasetTree("US8K")
        defer { us8k.remove() }
        try us8k.wav("audio/fold1/1.wav", frames: 40)
        try us8k.text("metadata/UrbanSound8K.csv", "slice_file_name,fold,class\n1.wav,1,dog_bark\n../../../../etc/passwd,1,dog_bark\n")
        assertRefused("us8k", us8k, location: us8k.path("metadata/UrbanSound8K.csv") + ":3", path: "../../../../etc/passwd",
                      mentions: ["outside the dataset root"])
    }

    func testTUT2017ListPathsStayInside() throws {
        let tree = try DatasetTree("TUT")
        defer { tree.remove() }
        try tree.wav("audio/a.wav", frames: 40)
        try tree.text("meta.txt", "audio/a.wav\tbeach\tx\n")
        try tree.text("evaluation_setup/fold1_train.txt", "audio/a.wav\tbeach\n../../../etc/passwd\tbeach\n")
        assertRefused("original:tut2017", tree, location: tree.path("evaluation_setup/fold1_train.txt") + ":2",
                      path: "../../../etc/passwd", mentions: ["fold1_train.txt:2"])
    }

    func testNSynthKeysStayInsideAndHoldNoNUL() throws {
        let tree = try DatasetTree("nsynth")
        defer { tree.remove() }
        for folder in ["nsynth-train", "nsynth-test"] {
            try tree.wav("\(folder)/audio/bass_1.wav", frames: 40)
            try tree.text("\(folder)/examples.json", #"{"bass_1": {"instrument_family_str": "bass"}, "../../../../etc/passwd": {"instrument_family_str": "bass"}}"#)
        }
        XCTAssertThrowsError(try Dataset.load("original:nsynth", root: tree.root)) { error in
            guard case DatasetError.refusedPath(_, let path, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "audio/../../../../etc/passwd.wav")
            XCTAssertTrue(reason.contains("outside the dataset root"), reason)
        }
        for folder in ["nsynth-train", "nsynth-test"] {
            try tree.text("\(folder)/examples.json", #"{"bass_1": {"instrument_family_str": "bass"}, "bass_1\u0000evil": {"instrument_family_str": "bass"}}"#)
        }
        XCTAssertThrowsError(try Dataset.load("original:nsynth", root: tree.root)) { error in
            guard case DatasetError.refusedPath(_, _, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("NUL"), reason)
            XCTAssertFalse("\(error)".contains("\u{0}"), "the message escapes the NUL")
        }
    }

    /// The issue's reproducer: a NUL in a path cell was cut silently. A NUL byte anywhere in a
    /// list marks it as binary, refused naming the line and byte column.
    func testNULInAListIsRefusedNamingTheLine() throws {
        let tree = try csvTree()
        defer { tree.remove() }
        try tree.bytes("meta.csv", Array("path,classname\nclips/a1.wav,a\nclips/a2.wav".utf8) + [0] + Array("/etc/passwd,a\n".utf8))
        XCTAssertDatasetError(.notText(location: tree.path("meta.csv") + ":3",
                                       reason: "byte column 13 is a NUL byte: this is a binary file, not a text list"),
                              mentions: ["meta.csv:3", "NUL"]) {
            try Dataset.load("csv:file=meta.csv", root: tree.root)
        }
    }

    /// A script can pass a root with a NUL (`dataset("folder", "data\0/etc")`); Foundation
    /// would cut it at the NUL and read `data`.
    func testRootWithANULIsRefused() throws {
        let tree = try csvTree()
        defer { tree.remove() }
        XCTAssertThrowsError(try Dataset.load("csv:file=meta.csv", root: tree.root + "\u{0}/etc")) { error in
            guard case DatasetError.refusedPath(_, _, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("NUL"), reason)
        }
    }

    func testControlCharacterInAPathIsRefusedAndEscaped() throws {
        let tree = try csvTree(extra: ["clips/\u{1B}[2Jb3.wav,b"])
        defer { tree.remove() }
        XCTAssertThrowsError(try Dataset.load("csv:file=meta.csv", root: tree.root)) { error in
            guard case DatasetError.refusedPath(let location, _, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(location, tree.path("meta.csv") + ":6")
            XCTAssertTrue(reason.contains("control character (U+001B)"), reason)
            XCTAssertFalse("\(error)".contains("\u{1B}"), "no raw escape reaches the terminal")
            XCTAssertTrue("\(error)".contains("\\u{1B}"), "\(error)")
        }
    }

    func testBaseOutsideTheRootIsRefused() throws {
        let tree = try csvTree()
        defer { tree.remove() }
        XCTAssertThrowsError(try Dataset.load("csv:file=meta.csv,base=../..", root: tree.root)) { error in
            guard case DatasetError.badLayoutOption(_, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("outside the dataset root"), reason)
        }
    }

    /// A linked folder inside the root is the tree owner's doing and is followed.
    func testLinkedFolderInsideTheRootIsFollowed() throws {
        let tree = try DatasetTree("linked")
        defer { tree.remove() }
        for n in ["a1", "b1"] { try tree.wav("../store/\(n).wav", frames: 40) }
        try FileManager.default.createSymbolicLink(atPath: tree.path("audios"), withDestinationPath: tree.outside("store"))
        try tree.text("meta.csv", "path,classname\naudios/a1.wav,a\naudios/b1.wav,b\n")
        let d = try Dataset.load("csv:file=meta.csv", root: tree.root)
        XCTAssertEqual(d.items.map(\.path).sorted(), [tree.path("audios/a1.wav"), tree.path("audios/b1.wav")])
    }

    /// `link/../x.wav` is `x.wav` lexically, but the kernel climbs out of the link's target:
    /// refused rather than read as another file than `ls` shows.
    func testParentStepThroughALinkedFolderIsRefused() throws {
        let tree = try csvTree(extra: ["link/../x.wav,b"])
        defer { tree.remove() }
        try tree.wav("x.wav", frames: 40)
        try tree.wav("../deep/x.wav", frames: 40)
        try tree.wav("../deep/sub/y.wav", frames: 40)
        try FileManager.default.createSymbolicLink(atPath: tree.path("link"), withDestinationPath: tree.outside("deep/sub"))
        assertRefused("csv:file=meta.csv", tree, location: tree.path("meta.csv") + ":6", path: "link/../x.wav",
                      mentions: ["symbolically linked folder", "without '..'"])
    }

    /// A directory named like a row's file is no clip.
    func testADirectoryIsNotAFile() throws {
        let tree = try csvTree(extra: ["clips,b"])
        defer { tree.remove() }
        assertRefused("csv:file=meta.csv", tree, location: tree.path("meta.csv") + ":6", path: "clips", mentions: ["a directory"])
    }
}
