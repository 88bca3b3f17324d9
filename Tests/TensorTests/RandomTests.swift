import Tensor
import XCTest

final class RandomTests: XCTestCase {
    func testSameSeedSameStream() {
        var a = SeededGenerator(seed: 123), b = SeededGenerator(seed: 123), c = SeededGenerator(seed: 124)
        let xs = (0..<100).map { _ in a.next() }, ys = (0..<100).map { _ in b.next() }, zs = (0..<100).map { _ in c.next() }
        XCTAssertEqual(xs, ys)
        XCTAssertNotEqual(xs, zs)
        var d = SeededGenerator(seed: 5), e = SeededGenerator(seed: 5)
        XCTAssertEqual(Tensor.normal([50], generator: &d).toArray(), Tensor.normal([50], generator: &e).toArray())
    }

    func testDistributionsHaveTheRightMoments() {
        var g = SeededGenerator(seed: 9)
        let n = Tensor.normal([20000], mean: 1, std: 2, generator: &g).toArray()
        let mean = n.reduce(0, +) / Float(n.count)
        let variance = n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(n.count)
        XCTAssertEqual(mean, 1, accuracy: 0.05)
        XCTAssertEqual(variance.squareRoot(), 2, accuracy: 0.05)
        let u = Tensor.uniform([20000], generator: &g).toArray()
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(u.reduce(0, +) / Float(u.count), 0.5, accuracy: 0.01)
    }

    func testPermutation() {
        var g = SeededGenerator(seed: 3)
        let p = g.permutation(50)
        XCTAssertEqual(p.sorted(), Array(0..<50))
        XCTAssertNotEqual(p, Array(0..<50))
    }
}
