import XCTest
import Datasets

/// The original GTZAN distribution (`genres/<genre>/`) and its deterministic 80/20 split.
final class GTZANLayoutTests: XCTestCase {
    func testGenreFoldersAndDeterministicSplit() throws {
        let tree = try DatasetTree("gtzan")
        defer { tree.remove() }
        let genres = ["rock", "blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae"]
        for g in genres { for i in 0..<5 { try tree.wav("genres/\(g)/\(g).0000\(i).au.wav", frames: 80) } }
        try tree.text("genres/README.txt", "not audio")

        let d = try Dataset.load("GT-Music-Genre", root: tree.root)
        XCTAssertEqual(d.name, "GT-Music-Genre")
        XCTAssertEqual(d.classes, genres.sorted())
        let s = try d.split()
        XCTAssertEqual(s.train.count, 40)
        XCTAssertEqual(s.test.count, 10)
        // Position 4 of each class's sorted files goes to test.
        XCTAssertEqual(Set(s.test.map { ($0.path as NSString).lastPathComponent }),
                       Set(genres.map { "\($0).00004.au.wav" }))
        XCTAssertEqual(try Dataset.load("gtzan", root: tree.root).splits, d.splits, "deterministic")
    }
}
