import Audio
import Foundation
import TestSupport
import XCTest

/// A FIFO, socket, device or directory given as an audio file is refused before it is opened,
/// with an error naming it and saying what it is (issue 14: a FIFO blocked `open` forever). In
/// this process through the decoder and preprocessor, and end to end through `palm embed-audio`,
/// the script builtins and `palm dataset`, each in a child process with a deadline.
final class NonRegularAudioFileTests: XCTestCase {
    var dir = ""
    var fifo = ""
    override func setUpWithError() throws {
        dir = try temporaryDirectory()
        fifo = dir + "/pipe.wav"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0, "mkfifo")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// Runs `body` on another thread; if it has not returned after `seconds` (a reader blocked
    /// opening the FIFO), fails and opens the FIFO for writing, which releases the reader.
    func withinDeadline(_ what: String, seconds: Double = 10, _ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { body(); done.signal() }
        if done.wait(timeout: .now() + seconds) == .timedOut {
            XCTFail("\(what) blocked on the FIFO for \(seconds) s")
            let w = open(fifo, O_WRONLY | O_NONBLOCK)
            if w >= 0 { close(w) }
            done.wait()
        }
    }

    /// The error must be `.notAFile` for `path`, with `words` in its reason.
    static func assertRefused(_ error: Error?, _ path: String, _ words: String, line: UInt = #line) {
        guard case .notAFile(let p, let reason)? = error as? AudioError else {
            return XCTFail("expected .notAFile, got \(String(describing: error))", line: line)
        }
        XCTAssertEqual(p, path, line: line)
        XCTAssertTrue(reason.contains(words), reason, line: line)
        print("refused: \(error!)")
    }

    func testFIFOIsRefusedBeforeOpen() {
        let fifo = self.fifo
        withinDeadline("decode, header, features") {
            for attempt in [{ _ = try AudioDecoder().decode(fifo) }, { _ = try AudioDecoder().header(fifo) },
                            { _ = try Preprocessor(config: .pengi).features(path: fifo) },
                            { _ = try Preprocessor(config: .pengi).cropOnlyFrames(path: fifo) }] as [() throws -> Void] {
                do { try attempt(); XCTFail("a FIFO must be refused") } catch { Self.assertRefused(error, fifo, "FIFO") }
            }
            guard case .failure(let e) = AudioDecoder().decodeAll([fifo])[0] else { return XCTFail("decodeAll") }
            Self.assertRefused(e, fifo, "FIFO")
        }
    }

    func testSocketDeviceDirectoryAndControlCharacters() throws {
        let socketPath = dir + "/sock.wav"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in socketPath.utf8.prefix(raw.count - 1).enumerated() { raw[i] = b }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0, "bind")
        let cases = [(socketPath, "socket"), ("/dev/zero", "character device"), ("/dev/null", "character device"),
                     (dir, "directory"), (dir + "/a\nb.wav", "control character"), (dir + "/a\u{0}b.wav", "NUL")]
        for (path, words) in cases {
            XCTAssertThrowsError(try AudioDecoder().decode(path)) { Self.assertRefused($0, path, words) }
            XCTAssertThrowsError(try Preprocessor(config: .pengi).clip(path: path)) { Self.assertRefused($0, path, words) }
        }
        // The message never carries a raw control character.
        let e = AudioError.notAFile(path: dir + "/a\nb.wav", reason: "x")
        XCTAssertFalse(e.description.contains("\n"), e.description)
    }

    /// `palm embed-audio` on a FIFO and on /dev/zero: exit 1 with the reason in the JSON, no hang.
    func testEmbedAudioRefusesFIFOAndDevice() throws {
        for (path, words) in [(fifo, "FIFO"), ("/dev/zero", "character device")] {
            let run = try PalmProcess.run(["embed-audio", "--model", "pengi-random:tiny", path], timeout: 30)
            XCTAssertTrue(run.isCleanFailure, "\(path): \(run)")
            XCTAssertTrue(run.stdout.contains(words) && run.stdout.contains(path.replacingOccurrences(of: "/", with: "\\/")), "\(run)")
        }
    }

    /// The script builtins that open audio: `load_audio`, `logmel`, `model.embed_audio`.
    func testScriptAudioBuiltinsRefuseFIFO() throws {
        for call in ["load_audio(\"\(fifo)\")", "logmel(\"\(fifo)\")", "model(\"pengi-random:tiny\").embed_audio([\"\(fifo)\"])"] {
            let script = dir + "/fifo.palm"
            try "x = \(call)\n".write(toFile: script, atomically: true, encoding: .utf8)
            let run = try PalmProcess.run(["run", script], timeout: 30)
            XCTAssertTrue(run.isCleanFailure, "\(call): \(run)")
            XCTAssertTrue(run.stderr.contains(fifo) && run.stderr.contains("FIFO"), "\(call): \(run)")
        }
    }

    /// `palm dataset` on a folder with a FIFO among the clips ends at once, naming it, instead
    /// of blocking in the header scan. The dataset layer refuses it while listing the folder
    /// (skipping it would shift the deterministic split), before any header is read.
    func testDatasetWithAFIFOAmongTheClipsEndsCleanly() throws {
        let root = dir + "/set"
        try FileManager.default.createDirectory(atPath: root + "/dog", withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(root + "/dog/pipe.wav", 0o600), 0)
        try FileManager.default.copyItem(atPath: GoldenFixtures.path("asterisk_hello-world_8k_mono.wav"), toPath: root + "/dog/bark.wav")
        let run = try PalmProcess.run(["dataset", "folder", root], timeout: 30)
        XCTAssertTrue(run.isCleanFailure, "\(run)")
        XCTAssertTrue(run.stderr.contains("dog/pipe.wav") && run.stderr.contains("FIFO"), "\(run)")
    }
}
