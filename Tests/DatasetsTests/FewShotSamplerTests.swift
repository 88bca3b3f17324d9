import XCTest
import Datasets

/// The reference's few-shot rule: sorted classes, k per class drawn from numpy's stream, fewer -> all.
final class FewShotSamplerTests: XCTestCase {
    /// 3 classes with 20, 5 and 16 items, interleaved.
    func items() -> [DatasetItem] {
        var out: [DatasetItem] = []
        let sizes = [20, 5, 16]
        for i in 0..<20 {
            for label in 0..<3 where i < sizes[label] {
                out.append(DatasetItem(path: "/d/\(label)/\(i).wav", label: label, classname: ["a", "b", "c"][label]))
            }
        }
        return out
    }

    func testKPerClassAndFewerGivesAll() {
        let all = items()
        let shots = all.fewShot(k: 8, seed: 0)
        XCTAssertEqual(shots.filter { $0.label == 0 }.count, 8)
        XCTAssertEqual(shots.filter { $0.label == 1 }.count, 5, "a class with fewer than k gives all")
        XCTAssertEqual(shots.filter { $0.label == 2 }.count, 8)
        XCTAssertEqual(Set(shots.filter { $0.label == 1 }), Set(all.filter { $0.label == 1 }))
        XCTAssertEqual(shots.map(\.label), shots.map(\.label).sorted(), "grouped in sorted class order")
        XCTAssertEqual(Set(shots).count, shots.count, "no item twice")
        XCTAssertTrue(Set(shots).isSubset(of: Set(all)))
        XCTAssertEqual(all.fewShot(k: 16, seed: 3).count, 16 + 5 + 16)
        XCTAssertEqual(all.fewShot(k: 100, seed: 3).count, all.count)
    }

    func testDeterministicPerSeed() {
        let all = items()
        XCTAssertEqual(all.fewShot(k: 4, seed: 0), all.fewShot(k: 4, seed: 0))
        XCTAssertEqual(all.fewShot(k: 4, seed: 1), FewShotSampler.sample(all, k: 4, seed: 1))
        let seeds = (0..<3).map { all.fewShot(k: 4, seed: UInt64($0)) }
        XCTAssertNotEqual(seeds[0], seeds[1])
        XCTAssertNotEqual(seeds[1], seeds[2])
        // A different list order is a different input: the sample may differ, but stays k per class.
        XCTAssertEqual(all.reversed().fewShot(k: 4, seed: 0).count, 12)
    }

    func testRepeatFillsSmallClassesWithReplacement() {
        let all = items()
        let shots = all.fewShot(k: 8, seed: 0, repeat: true)
        XCTAssertEqual(shots.filter { $0.label == 1 }.count, 8, "5 items drawn 8 times with replacement")
        XCTAssertTrue(Set(shots.filter { $0.label == 1 }).isSubset(of: Set(all.filter { $0.label == 1 })))
        XCTAssertEqual(shots.filter { $0.label == 0 }, all.fewShot(k: 8, seed: 0).filter { $0.label == 0 },
                       "classes with enough items are sampled as without repeat")
        XCTAssertEqual(shots, all.fewShot(k: 8, seed: 0, repeat: true))
    }

    /// Within a class the picks come in draw order (pandas's `sample`): positions among the
    /// class's items as listed, the first k of numpy's `permutation(n)`; a smaller class keeps
    /// the list's order.
    func testWithinAClassTheDrawOrderIsKept() {
        let all = items()
        let shots = all.fewShot(k: 6, seed: 7)
        var stream = NumpyRandomState(seed: 7)
        for label in 0..<3 {
            let members = all.filter { $0.label == label }
            let expected = members.count >= 6 ? stream.choiceWithoutReplacement(n: members.count, k: 6).map { members[$0] } : members
            XCTAssertEqual(shots.filter { $0.label == label }, expected, "class \(label)")
        }
    }

    func testSplitFewShotKeepsTheWholeTest() throws {
        let all = items()
        let split = DatasetSplit(fold: 1, train: all, test: Array(all.prefix(7)))
        let few = split.fewShot(k: 2, seed: 0)
        XCTAssertEqual(few.train, all.fewShot(k: 2, seed: 0))
        XCTAssertEqual(few.test, split.test)
        XCTAssertEqual(few.fold, 1)
    }

    func testOnADatasetSplit() throws {
        let tree = try DatasetTree("fewshot")
        defer { tree.remove() }
        for c in ["z", "y", "x"] { for i in 0..<10 { try tree.wav("\(c)/\(i).wav", frames: 40) } }
        let d = try Dataset.load("folder", root: tree.root)
        let train = try d.split().train.fewShot(k: 3, seed: 0)
        XCTAssertEqual(train.map(\.classname), ["x", "x", "x", "y", "y", "y", "z", "z", "z"])
        XCTAssertEqual(train, try d.split().train.fewShot(k: 3, seed: 0))
    }
}
