import Foundation
import XCTest
import Datasets

/// A dataset directory built in a fresh temporary folder for one test, with real audio files
/// written by libsndfile (short 16-bit WAVs) and text files; removed on `remove()`.
final class DatasetTree {
    let root: String
    private var counter = 0

    init(_ name: String = "dataset") throws {
        root = NSTemporaryDirectory() + "palm-datasets-\(UUID().uuidString)/\(name)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// Writes a real WAV at `relative`: a sine whose frequency and level differ per file (so
    /// every file has its own statistics), `frames` frames at `rate` Hz.
    @discardableResult
    func wav(_ relative: String, frames: Int = 400, rate: Int = 8000, channels: Int = 1) throws -> String {
        counter += 1
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let frequency = Float(100 + 37 * counter)
        let level = 0.1 + 0.8 * Float(counter % 7) / 7
        var samples: [Float] = []
        samples.reserveCapacity(frames * channels)
        for i in 0..<frames {
            for c in 0..<channels {
                samples.append(level * sinf(2 * .pi * frequency * Float(i) / Float(rate) + Float(c)))
            }
        }
        try AudioFileInfo.writeWAV(path: path, samples: samples, sampleRate: rate, channels: channels)
        return path
    }

    /// Writes a text file at `relative`.
    func text(_ relative: String, _ content: String) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try content.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Writes `bytes` as they are at `relative` (text in another encoding, NUL bytes, binary).
    func bytes(_ relative: String, _ bytes: [UInt8]) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// A folder beside the root (inside the test's temporary folder, so `remove()` removes it):
    /// somewhere a row must not reach.
    func outside(_ relative: String) -> String {
        (root as NSString).deletingLastPathComponent + "/" + relative
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    func remove() {
        try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent)
    }
}

/// Asserts that `body` throws exactly `expected`, and that its description mentions `mentions`.
func XCTAssertDatasetError<T>(_ expected: DatasetError, mentions: [String] = [], _ body: () throws -> T,
                              file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected \(expected), nothing thrown", file: file, line: line)
    } catch let error as DatasetError {
        XCTAssertEqual(error, expected, file: file, line: line)
        for m in mentions {
            XCTAssertTrue(error.description.contains(m), "'\(error.description)' should mention '\(m)'", file: file, line: line)
        }
    } catch {
        XCTFail("expected \(expected), got \(error)", file: file, line: line)
    }
}
