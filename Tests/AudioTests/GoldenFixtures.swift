import Foundation
import XCTest

/// The checked-in golden data of `Scripts/fixtures/audio.py` (see Tests/Fixtures/audio/SOURCES.md).
struct GoldenFixtures {
    struct File: Decodable {
        let name: String
        let sample_rate: Int
        let channels: Int
        let frames: Int
        let resampled_length: Int
        let excerpt_offsets: [Int]
        let clip: String
        let logmel_shape: [Int]
        let has_float64_logmel: Bool
        let aisfx_shape: [Int]?

        var base: String { (name as NSString).deletingPathExtension }
    }
    struct Manifest: Decodable {
        let clip: Int
        let excerpt: Int
        let files: [File]
    }

    static let directory: String = {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/audio").path
    }()

    static func manifest() throws -> Manifest {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/golden.json"))
        return try JSONDecoder().decode(Manifest.self, from: data)
    }

    static func path(_ name: String) -> String { directory + "/" + name }

    /// Little-endian float32 values of a fixture file.
    static func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(name)))
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}

/// Max |a - b| over equal-length arrays (fails the test on a length mismatch).
func maxAbsDiff(_ a: [Float], _ b: [Float], file: StaticString = #filePath, line: UInt = #line) -> Float {
    XCTAssertEqual(a.count, b.count, "length", file: file, line: line)
    var m: Float = 0
    for i in 0..<min(a.count, b.count) {
        let d = abs(a[i] - b[i])
        if d.isNaN { return .nan }
        m = max(m, d)
    }
    return m
}

/// A fresh temporary directory for one test's files.
func temporaryDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("palm-audio-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.path
}
