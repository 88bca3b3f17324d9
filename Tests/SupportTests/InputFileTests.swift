import Foundation
import XCTest
import Support

final class InputFileTests: XCTestCase {
    private func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "palm-inputfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func testRegularFileGivesItsSize() throws {
        let path = try scratch() + "/a.bin"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try InputFile.requireRegular(path, role: "checkpoint"), 3)
    }

    func testFIFOIsRefusedWithoutOpening() throws {
        let path = try scratch() + "/pipe"
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        // Opening would block forever; the check must answer at once from stat(2).
        XCTAssertThrowsError(try InputFile.requireRegular(path, role: "audio file")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(path) && text.contains("FIFO") && text.contains("audio file"), text)
        }
    }

    func testDirectoryDeviceAndMissingAreRefused() throws {
        let dir = try scratch()
        for (path, word) in [(dir, "directory"), ("/dev/zero", "character device"), (dir + "/none", "no such file")] {
            XCTAssertThrowsError(try InputFile.requireRegular(path, role: "CSV table")) { error in
                XCTAssertTrue("\(error)".contains(word), "\(error)")
            }
        }
    }

    func testNULAndControlCharactersAreRefusedAndEscaped() throws {
        XCTAssertThrowsError(try InputFile.requireRegular("/etc/hosts\u{0}.wav", role: "audio file")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("NUL byte at character 11"), text)
            XCTAssertTrue(text.contains("\\u{00}"), text)
            XCTAssertFalse(text.contains("\u{0}"), text)
        }
        XCTAssertNotNil(InputFile.pathProblem("a\nb.wav"))
        XCTAssertNotNil(InputFile.pathProblem(""))
        XCTAssertNil(InputFile.pathProblem("café/ä b.wav"))
    }
}
