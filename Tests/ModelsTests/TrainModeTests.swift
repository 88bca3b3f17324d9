import Models
import Tensor
import TestSupport
import XCTest

/// The reference's train mode in the encoders: bn0 against PyTorch's own BatchNorm2d
/// (`Scripts/fixtures/trainmode.py`), SpecAugment's stripes, dropout and drop-path, and HTSAT
/// and PENGI in train mode end to end.
final class TrainModeTests: XCTestCase {
    func testBn0TrainModeMatchesPyTorch() throws {
        let fx = try Fixtures.safetensors("trainmode/bn0.safetensors")
        let bn = BatchNorm2d(weight: HashWeights.tensor([64], seed: 600, scale: 0.5) + 1, bias: HashWeights.tensor([64], seed: 601, scale: 0.5),
                             statistics: BatchNormStatistics(mean: (HashWeights.tensor([64], seed: 602, scale: 10) - 30).toArray(),
                                                             variance: (HashWeights.tensor([64], seed: 603, scale: 20) + 60).toArray()))
        let x1 = HashWeights.tensor([3, 1, 10, 64], seed: 604, scale: 20) - 40, x2 = HashWeights.tensor([3, 1, 10, 64], seed: 605, scale: 25) - 35
        var running = bn.statistics
        assertClose(try bn.training(x1, channelAxis: 3, running: &running), try fx.tensor("train_out1"), tolerance: 2e-5, "bn0 train mode, batch 1")
        assertClose(try bn.training(x2, channelAxis: 3, running: &running), try fx.tensor("train_out2"), tolerance: 2e-5, "bn0 train mode, batch 2")
        assertClose(try Tensor(running.mean, shape: [64]), try fx.tensor("running_mean"), tolerance: 1e-4, "running mean after 2 batches")
        assertClose(try Tensor(running.variance, shape: [64]), try fx.tensor("running_var"), tolerance: 1e-3, "running var (unbiased) after 2 batches")
        XCTAssertEqual(Float(running.batchesTracked), try fx.tensor("batches_tracked").toArray()[0])
        assertClose(try bn.with(statistics: running)(x1, channelAxis: 3), try fx.tensor("eval_out"), tolerance: 2e-5, "eval with the moved statistics")
        XCTAssertNotEqual(running.fingerprint, bn.statistics.fingerprint)
    }

    func testSpecAugmentZeroesBoundedStripesPerClip() throws {
        let x = Tensor.ones([2, 1, 300, 64])
        var g = SeededGenerator(seed: 3)
        SpecAugment.reference.apply(to: x, generator: &g)
        let v = x.toArray()
        for n in 0..<2 {
            // Zeroed frames are whole rows; zeroed bins whole columns of the clip.
            let clip = Array(v[(n * 300 * 64)..<((n + 1) * 300 * 64)])
            let zeroRows = (0..<300).filter { r in clip[(r * 64)..<((r + 1) * 64)].allSatisfy { $0 == 0 } }.count
            let zeroCols = (0..<64).filter { c in (0..<300).allSatisfy { clip[$0 * 64 + c] == 0 } }.count
            XCTAssertLessThanOrEqual(zeroRows, 2 * 63, "two time stripes narrower than 64")
            XCTAssertLessThanOrEqual(zeroCols, 2 * 7, "two frequency stripes narrower than 8")
            XCTAssertEqual(Set(clip), zeroRows + zeroCols > 0 ? [0, 1] : [1])
        }
        // Seeded: the same stripes again.
        let y = Tensor.ones([2, 1, 300, 64])
        var h = SeededGenerator(seed: 3)
        SpecAugment.reference.apply(to: y, generator: &h)
        XCTAssertEqual(y.toArray(), v)
    }

    func testPENGITrainModeMovesBn0AndDropsOut() throws {
        let pengi = try PENGIEncoders(source: PENGIEncoders.randomSource(config: .tiny), config: .tiny)
        var g = SeededGenerator(seed: 1)
        let logMel = Tensor.normal([4, 1, 100, pengi.config.audio.melBins], mean: -30, std: 10, generator: &g)
        let loaded = pengi.htsat.bn0.statistics
        let state = TrainModeState(seed: 7, statistics: [HTSAT.bn0Key: loaded])
        let a = try pengi.embedAudioTraining(logMel: logMel, state: state)
        XCTAssertEqual(a.shape, [4, pengi.embeddingDim])
        XCTAssertEqual(state.statistics[HTSAT.bn0Key]?.batchesTracked, loaded.batchesTracked + 1)
        XCTAssertNotEqual(state.statistics[HTSAT.bn0Key], loaded, "a training batch moves bn0's running statistics")
        // Seeded, so reproducible; stochastic, so unlike eval mode.
        let again = try pengi.embedAudioTraining(logMel: logMel, state: TrainModeState(seed: 7, statistics: [HTSAT.bn0Key: loaded]))
        XCTAssertEqual(again.toArray(), a.toArray())
        let eval = try pengi.embedAudio(logMel: logMel)
        XCTAssertGreaterThan(try (eval - a).abs().max().item(), 1e-3)
        // Eval mode with the moved statistics is deterministic and differs from the loaded ones'.
        let moved = try pengi.embedAudio(logMel: logMel, statistics: state.statistics[HTSAT.bn0Key])
        XCTAssertGreaterThan(try (moved - eval).abs().max().item(), 1e-5)
        // Train-mode text: projection dropout, on the tape.
        let ids = [[pengi.config.text.vocabSize - 2, 5, 9, pengi.config.text.vocabSize - 1]]
        let e = try pengi.tokenEmbeddings(ids: ids).requiringGrad()
        let t = try pengi.textFeatures(tokenEmbeddings: e, eosPositions: [3], training: state)
        try t.sum().backward()
        XCTAssertNotNil(e.grad)
        XCTAssertGreaterThan(try (t.detached() - pengi.textFeatures(tokenEmbeddings: e.detached(), eosPositions: [3])).abs().max().item(), 1e-4)
    }
}
