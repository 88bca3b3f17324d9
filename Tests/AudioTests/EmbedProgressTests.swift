import Audio
import Foundation
import TestSupport
import XCTest

/// `palm embed-audio` says what it is embedding once the work has run a few seconds (the
/// issue's 10-minute WAV ran for minutes with no output), and nothing when it is quick. Run as
/// a child process, stderr is not a terminal: the plain start and end lines. The quiet time is
/// set with `PALM_PROGRESS_AFTER` so no test depends on how fast the machine is.
final class EmbedProgressTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func embed(_ files: [String], after seconds: String) throws -> ProcessOutcome {
        let run = try PalmProcess.run(["embed-audio", "--model", "pengi-random:tiny"] + files,
                                      environment: ["PALM_PROGRESS_AFTER": seconds], timeout: 60)
        XCTAssertEqual(run.status, 0, "\(run)")
        return run
    }

    func testProgressNamesTheFileAndItsDuration() throws {
        let path = dir + "/rain.wav"
        try LongRecording.write(path, seconds: 75, rate: 44100, channels: 1, format: .wav16)
        let run = try embed([path], after: "0")
        XCTAssertTrue(run.stderr.contains("embedding rain.wav (1:15 of audio): 1 files to do\n"), run.stderr)
        XCTAssertTrue(run.stderr.contains("embedding rain.wav (1:15 of audio): 1 files in "), run.stderr)
        XCTAssertFalse(run.stderr.contains("\r"), "no redraws when stderr is not a terminal")
    }

    func testSeveralFilesAreSummed() throws {
        let a = dir + "/a.wav", b = dir + "/b.flac"
        try LongRecording.write(a, seconds: 30, rate: 16000, channels: 1, format: .wav16)
        try LongRecording.write(b, seconds: 45, rate: 48000, channels: 2, format: .flac16)
        let run = try embed([a, b], after: "0")
        XCTAssertTrue(run.stderr.contains("embedding 2 files (1:15 of audio): 2 files to do"), run.stderr)
    }

    /// Work that ends within the quiet time prints nothing on stderr.
    func testQuickWorkIsQuiet() throws {
        let path = dir + "/short.wav"
        try LongRecording.write(path, seconds: 2, rate: 44100, channels: 1, format: .wav16)
        let run = try embed([path], after: "600")
        XCTAssertEqual(run.stderr, "")
        XCTAssertTrue(run.stdout.contains("\"embedding\""), run.stdout)
    }
}
