import Foundation
import XCTest
import Datasets
import TestSupport

/// FIFOs and other non-regular files in a dataset are refused before anything opens them
/// (issue 14, deliver 4): a FIFO given as a list, listed as a clip, or lying in a class folder
/// under an audio name ends in a clear error naming it, never a hang. Symbolic-link loops do
/// not make a folder scan run forever either.
final class NonRegularFileTests: XCTestCase {
    func makeFIFO(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard mkfifo(path, 0o644) == 0 else { throw XCTSkip("mkfifo failed: \(String(cString: strerror(errno)))") }
    }

    /// A folder dataset: classes a, b with two clips each.
    func folderTree() throws -> DatasetTree {
        let tree = try DatasetTree("fifo")
        for c in ["a", "b"] { for i in 1...2 { try tree.wav("\(c)/\(i).wav", frames: 40) } }
        return tree
    }

    /// The reproducer: `palm dataset csv:file=FIFO ROOT` blocked forever in `open`.
    func testFIFOAsTheCSVExitsCleanly() throws {
        let tree = try folderTree()
        defer { tree.remove() }
        try makeFIFO(tree.path("meta.csv"))
        let outcome = try PalmProcess.run(["dataset", "csv:file=meta.csv", tree.root], timeout: 30)
        XCTAssertTrue(outcome.isCleanFailure, "\(outcome)")
        XCTAssertTrue(outcome.stderr.contains(tree.path("meta.csv")) && outcome.stderr.contains("FIFO"), outcome.stderr)
    }

    func testFIFOAsTheCSVIsRefusedInProcess() throws {
        let tree = try folderTree()
        defer { tree.remove() }
        try makeFIFO(tree.path("train.csv"))
        try tree.text("test.csv", "path,classname\na/1.wav,a\n")
        for spec in ["csv:file=train.csv", "csv", "palm"] {
            XCTAssertThrowsError(try Dataset.load(spec, root: tree.root), spec) { error in
                XCTAssertTrue("\(error)".contains(tree.path("train.csv")) && "\(error)".contains("FIFO"), "\(spec): \(error)")
            }
        }
    }

    /// A FIFO named like a clip inside a folder dataset is refused naming it (skipping it would
    /// shift the deterministic split without a word).
    func testFIFONamedLikeAClipInAFolderDataset() throws {
        let tree = try folderTree()
        defer { tree.remove() }
        try makeFIFO(tree.path("b/3.wav"))
        XCTAssertThrowsError(try Dataset.load("folder", root: tree.root)) { error in
            guard case DatasetError.refusedPath(let location, let path, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(location, tree.path("b/3.wav"))
            XCTAssertEqual(path, tree.path("b/3.wav"))
            XCTAssertTrue(reason.contains("FIFO"), reason)
        }
        let outcome = try PalmProcess.run(["dataset", "folder", tree.root], timeout: 30)
        XCTAssertTrue(outcome.isCleanFailure, "\(outcome)")
        XCTAssertTrue(outcome.stderr.contains("b/3.wav") && outcome.stderr.contains("FIFO"), outcome.stderr)
    }

    func testFIFOListedAsAClipIsRefusedNamingTheRow() throws {
        let tree = try folderTree()
        defer { tree.remove() }
        try makeFIFO(tree.path("c/pipe.wav"))
        try tree.text("meta.csv", "path,classname\na/1.wav,a\nc/pipe.wav,c\n")
        XCTAssertDatasetError(.refusedPath(location: tree.path("meta.csv") + ":3", path: "c/pipe.wav",
                                           reason: "is a FIFO (named pipe), which would block, not a regular file")) {
            try Dataset.load("csv:file=meta.csv", root: tree.root)
        }
    }

    /// A link to an enclosing folder is followed once; the scan ends and each clip is listed once.
    func testSymbolicLinkLoopInAFolderDataset() throws {
        let tree = try folderTree()
        defer { tree.remove() }
        try FileManager.default.createSymbolicLink(atPath: tree.path("a/loop"), withDestinationPath: tree.path("a"))
        try FileManager.default.createDirectory(atPath: tree.path("b/sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: tree.path("b/sub/back"), withDestinationPath: "..")
        let d = try Dataset.load("folder", root: tree.root)
        XCTAssertEqual(d.items.count, 4)
        let outcome = try PalmProcess.run(["dataset", "folder", tree.root], timeout: 30)
        XCTAssertEqual(outcome.status, 0, "\(outcome)")
    }

    /// A device given as a list is refused too (reading /dev/zero would never end).
    func testDeviceAsTheCSV() throws {
        let tree = try folderTree()
        defer { tree.remove() }
        XCTAssertThrowsError(try Dataset.load("csv:file=/dev/zero", root: tree.root)) { error in
            XCTAssertTrue("\(error)".contains("/dev/zero") && "\(error)".contains("character device"), "\(error)")
        }
    }
}
