import Foundation
import XCTest
import Datasets
import TestSupport

/// `NumpyRandomState` against numpy's legacy global stream: the raw MT19937 outputs, the
/// permutations and the bounded draws numpy gives after `np.random.seed(s)`
/// (`Tests/Fixtures/fewshot/mt19937.json`, written by `Scripts/fixtures/fewshot.py` with numpy).
final class NumpyRandomStateTests: XCTestCase {
    /// One seed's stream as numpy dumped it.
    struct Stream: Decodable {
        var seed: UInt64
        var first_uint32: [UInt32]
        var uint32_620_to_631: [UInt32]
        var permutations: [String: [Int]]
        var randint_6: [Int]
        var randint_2pow40_plus_1: [UInt64]
        var three_choices_32_16: [[Int]]
    }

    struct File: Decodable {
        var numpy: String
        var streams: [Stream]
    }

    func streams() throws -> File {
        let path = Fixtures.path("fewshot/mt19937.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw XCTSkip("fixture \(path) missing: run python3 Scripts/fixtures/fewshot.py")
        }
        return try JSONDecoder().decode(File.self, from: data)
    }

    /// The vectors quoted from numpy itself, independent of the fixture file.
    func testKnownNumpyVectors() {
        func first4(_ seed: UInt64) -> [UInt32] {
            var s = NumpyRandomState(seed: seed)
            return (0..<4).map { _ in s.nextUInt32() }
        }
        XCTAssertEqual(first4(0), [2357136044, 2546248239, 3071714933, 3626093760])
        XCTAssertEqual(first4(1), [1791095845, 4282876139, 3093770124, 4005303368])
        XCTAssertEqual(first4(2), [1872583848, 794921487, 111352301, 4000937544])
        var s0 = NumpyRandomState(seed: 0)
        XCTAssertEqual(s0.permutation(10), [2, 8, 4, 9, 1, 6, 7, 3, 0, 5])
        var s1 = NumpyRandomState(seed: 1)
        XCTAssertEqual(s1.permutation(10), [2, 9, 6, 4, 0, 3, 1, 7, 8, 5])
        // Three classes of 32 rows in a row after seed(0), 16 shots each (one stream throughout).
        var s = NumpyRandomState(seed: 0)
        XCTAssertEqual(s.choiceWithoutReplacement(n: 32, k: 16), [11, 22, 10, 2, 16, 14, 28, 26, 20, 13, 24, 5, 17, 8, 30, 25])
        XCTAssertEqual(s.choiceWithoutReplacement(n: 32, k: 16), [28, 12, 15, 18, 17, 21, 23, 26, 24, 27, 8, 6, 13, 5, 4, 16])
        XCTAssertEqual(s.choiceWithoutReplacement(n: 32, k: 16), [21, 30, 31, 5, 2, 16, 29, 20, 8, 17, 22, 19, 13, 15, 26, 4])
    }

    func testRawStreamMatchesNumpy() throws {
        let file = try streams()
        for stream in file.streams {
            var s = NumpyRandomState(seed: stream.seed)
            let first = (0..<8).map { _ in s.nextUInt32() }
            XCTAssertEqual(first, stream.first_uint32, "seed \(stream.seed): first 8 outputs")
            // Outputs 620...631 cross the first regeneration of the 624-word state.
            var t = NumpyRandomState(seed: stream.seed)
            let all = (0..<632).map { _ in t.nextUInt32() }
            XCTAssertEqual(Array(all[620...]), stream.uint32_620_to_631, "seed \(stream.seed): outputs 620...631")
            print("numpy \(file.numpy) seed \(stream.seed): first 8 uint32 \(first == stream.first_uint32 ? "equal" : "DIFFER"), "
                  + "outputs 620...631 \(Array(all[620...]) == stream.uint32_620_to_631 ? "equal" : "DIFFER") (first \(first[0]))")
        }
    }

    func testPermutationsAndBoundedDrawsMatchNumpy() throws {
        let file = try streams()
        for stream in file.streams {
            for (n, expected) in stream.permutations.sorted(by: { Int($0.key)! < Int($1.key)! }) {
                var s = NumpyRandomState(seed: stream.seed)
                XCTAssertEqual(s.permutation(Int(n)!), expected, "seed \(stream.seed): permutation(\(n))")
            }
            var r = NumpyRandomState(seed: stream.seed)
            XCTAssertEqual(r.choiceWithReplacement(n: 6, k: 8), stream.randint_6, "seed \(stream.seed): randint(0, 6, 8)")
            var w = NumpyRandomState(seed: stream.seed)
            let wide = (0..<4).map { _ in w.randomInterval(1 << 40) }
            XCTAssertEqual(wide, stream.randint_2pow40_plus_1, "seed \(stream.seed): randint(0, 2**40 + 1, 4) (64-bit draws)")
            var c = NumpyRandomState(seed: stream.seed)
            let choices = (0..<3).map { _ in c.choiceWithoutReplacement(n: 32, k: 16) }
            XCTAssertEqual(choices, stream.three_choices_32_16, "seed \(stream.seed): three choice(32, 16, replace=False)")
            print("numpy seed \(stream.seed): permutation(n) for n in \(stream.permutations.keys.sorted { Int($0)! < Int($1)! }), "
                  + "randint(0, 6, 8) = \(stream.randint_6), randint(0, 2**40 + 1, 4), 3 x choice(32, 16) compared")
        }
    }

    /// A 64-bit seed is numpy's `seed([low, high])`; within 32 bits it is `seed(s)`, not `seed([s])`.
    func testWideSeedsAreInitByArray() {
        var a = NumpyRandomState(seed: 1 << 32 | 7), b = NumpyRandomState(key: [7, 1])
        XCTAssertEqual((0..<5).map { _ in a.nextUInt32() }, (0..<5).map { _ in b.nextUInt32() })
        var c = NumpyRandomState(seed: 7), d = NumpyRandomState(key: [7])
        XCTAssertNotEqual(c.nextUInt32(), d.nextUInt32())
    }

    func testSmallCasesDrawNothing() {
        var s = NumpyRandomState(seed: 3), reference = NumpyRandomState(seed: 3)
        XCTAssertEqual(s.permutation(0), [])
        XCTAssertEqual(s.permutation(1), [0])
        XCTAssertEqual(s.randomInterval(0), 0)
        XCTAssertEqual(s.choiceWithReplacement(n: 1, k: 4), [0, 0, 0, 0])
        XCTAssertEqual(s.nextUInt32(), reference.nextUInt32(), "none of the above consumed an output")
    }
}
