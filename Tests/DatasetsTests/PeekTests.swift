import XCTest
import Datasets

/// `Dataset.peek()`: header statistics without decoding.
final class PeekTests: XCTestCase {
    func testCountsDurationsRatesChannels() throws {
        let tree = try DatasetTree("peek")
        defer { tree.remove() }
        try tree.wav("a/1.wav", frames: 8000, rate: 8000)               // 1 s
        try tree.wav("a/2.wav", frames: 8000, rate: 16000, channels: 2) // 0.5 s
        try tree.wav("b/1.wav", frames: 4000, rate: 8000)               // 0.5 s
        for i in 2...5 { try tree.wav("b/\(i).wav", frames: 16000, rate: 8000) } // 2 s each
        let d = try Dataset.load("folder", root: tree.root)
        let p = d.peek()
        XCTAssertEqual(p.classCounts, [2, 5])
        XCTAssertEqual(p.readable, 7)
        XCTAssertEqual(p.totalDuration, 10, accuracy: 1e-9)
        XCTAssertEqual(p.minDuration, 0.5, accuracy: 1e-9)
        XCTAssertEqual(p.maxDuration, 2, accuracy: 1e-9)
        XCTAssertEqual(p.sampleRates, [8000: 6, 16000: 1])
        XCTAssertEqual(p.channels, [1: 6, 2: 1])
        XCTAssertTrue(p.unreadable.isEmpty)
    }

    func testUnreadableFileIsListedNotThrown() throws {
        let tree = try DatasetTree("peek")
        defer { tree.remove() }
        try tree.wav("a/1.wav")
        try tree.wav("b/1.wav")
        try tree.text("b/broken.wav", "this is not a RIFF file")
        let p = try Dataset.load("folder", root: tree.root).peek()
        XCTAssertEqual(p.readable, 2)
        XCTAssertEqual(p.unreadable.map(\.path), [tree.path("b/broken.wav")])
        XCTAssertFalse(p.unreadable[0].reason.isEmpty)
        XCTAssertEqual(p.classCounts, [1, 2])
    }

    func testHeaderReader() throws {
        let tree = try DatasetTree("header")
        defer { tree.remove() }
        let path = try tree.wav("x.wav", frames: 441, rate: 44100, channels: 2)
        let info = try AudioFileInfo(path: path)
        XCTAssertEqual(info, try AudioFileInfo(path: path))
        XCTAssertEqual(info.frames, 441)
        XCTAssertEqual(info.sampleRate, 44100)
        XCTAssertEqual(info.channels, 2)
        XCTAssertEqual(info.duration, 0.01, accuracy: 1e-12)
        let (samples, _) = try AudioFileInfo.readSamples(path: path)
        XCTAssertEqual(samples.count, 882)
    }
}
