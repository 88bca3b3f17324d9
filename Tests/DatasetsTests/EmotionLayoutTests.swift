import XCTest
import Datasets

/// RAVDESS and CREMA-D: emotion coded in file names, deterministic 80/20 split.
final class EmotionLayoutTests: XCTestCase {
    func testRAVDESSCodesAndSplit() throws {
        let tree = try DatasetTree("RAVDESS")
        defer { tree.remove() }
        for emotion in 1...8 {
            for actor in 1...5 {
                try tree.wav(String(format: "Actor_%02d/03-01-%02d-01-01-01-%02d.wav", actor, emotion, actor), frames: 80)
            }
        }
        try tree.wav("Actor_01/03-02-03-02-02-01-01.wav", frames: 80)   // a song clip: kept
        try tree.wav("Actor_01/01-01-03-02-02-01-01.wav", frames: 80)   // audio-video: skipped
        let d = try Dataset.load("ravdess", root: tree.root)
        XCTAssertEqual(d.classes, ["angry", "calm", "disgust", "fearful", "happy", "neutral", "sad", "surprised"])
        let s = try d.split()
        XCTAssertEqual(s.train.count + s.test.count, 41)
        XCTAssertEqual(s.test.count, 8)
        XCTAssertEqual(s.train.filter { $0.classname == "happy" }.count, 5)
        // Emotion 05 is "angry".
        let angry = (s.train + s.test).filter { $0.path.contains("-05-01-01-01-") }
        XCTAssertEqual(Set(angry.map(\.classname)), ["angry"])
        XCTAssertFalse((s.train + s.test).contains { ($0.path as NSString).lastPathComponent.hasPrefix("01-") })
    }

    func testCREMADCodesAndSplit() throws {
        let tree = try DatasetTree("CREMA-D")
        defer { tree.remove() }
        let codes = ["ANG", "DIS", "FEA", "HAP", "NEU", "SAD"]
        for c in codes { for actor in 1001...1005 { try tree.wav("AudioWAV/\(actor)_DFA_\(c)_XX.wav", frames: 80) } }
        let d = try Dataset.load("crema-d", root: tree.root)
        XCTAssertEqual(d.name, "CREMA-D")
        XCTAssertEqual(d.classes, ["anger", "disgust", "fear", "happy", "neutral", "sad"])
        let s = try d.split()
        XCTAssertEqual(s.train.count, 24)
        XCTAssertEqual(s.test.count, 6)
        XCTAssertTrue(s.test.allSatisfy { $0.path.hasSuffix("1005_DFA_\(codes[$0.label])_XX.wav") })
    }

    func testMalformedRAVDESSNameIsAnError() throws {
        let tree = try DatasetTree("RAVDESS")
        defer { tree.remove() }
        try tree.wav("Actor_01/03-01-09-01-01-01-01.wav", frames: 80)
        XCTAssertThrowsError(try Dataset.load("ravdess", root: tree.root)) { error in
            XCTAssertTrue("\(error)".contains("03-01-09-01-01-01-01.wav"), "\(error)")
            XCTAssertTrue("\(error)".contains("01...08"), "\(error)")
        }
    }
}
