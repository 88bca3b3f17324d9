import Audio
import Foundation
import Tensor
import XCTest

final class ClipPolicyTests: XCTestCase {
    func testTileThenTruncate() {
        var g = SeededGenerator(seed: 0)
        XCTAssertEqual(ClipPolicy(length: 7, crop: .random).apply([1, 2, 3], generator: &g), [1, 2, 3, 1, 2, 3, 1])
        XCTAssertEqual(ClipPolicy(length: 3, crop: .random).apply([1, 2, 3], generator: &g), [1, 2, 3])
    }

    func testStartAndCenterCrops() {
        var g = SeededGenerator(seed: 0)
        let x: [Float] = [0, 1, 2, 3, 4, 5, 6]
        XCTAssertEqual(ClipPolicy(length: 3, crop: .start).apply(x, generator: &g), [0, 1, 2])
        XCTAssertEqual(ClipPolicy(length: 3, crop: .center).apply(x, generator: &g), [2, 3, 4])
        XCTAssertEqual(ClipPolicy(length: 4, crop: .center).apply(x, generator: &g), [1, 2, 3, 4])
    }

    /// Random crops stay in range, follow the seed, and cover more than one start.
    func testRandomCropIsSeeded() {
        let x = (0..<100).map(Float.init)
        let p = ClipPolicy(length: 10, crop: .random)
        var starts = Set<Float>()
        for seed in 0..<50 as Range<UInt64> {
            var a = SeededGenerator(seed: seed), b = SeededGenerator(seed: seed)
            let c1 = p.apply(x, generator: &a), c2 = p.apply(x, generator: &b)
            XCTAssertEqual(c1, c2)
            XCTAssertEqual(c1.count, 10)
            XCTAssertLessThan(c1[0], 90)  // start in 0..<(100 - 10)
            XCTAssertEqual(c1, Array(x[Int(c1[0])..<Int(c1[0]) + 10]))
            starts.insert(c1[0])
        }
        XCTAssertGreaterThan(starts.count, 10)
    }

    /// The preprocessor's crop depends on the config seed and the file name, not on the run.
    func testPreprocessorCropIsReproducible() throws {
        let path = GoldenFixtures.path("asterisk_vm-opts_8k_mono.wav")
        let a = try Preprocessor(config: .pengi).clip(path: path)
        let b = try Preprocessor(config: .pengi).clip(path: path)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.count, 308_700)
        var other = PreprocessingConfig.pengi
        other.cropSeed = 1
        XCTAssertNotEqual(try Preprocessor(config: other).clip(path: path), a)
    }

    /// `.pengiClean` crops long clips at the centre: the same features as cropping by hand.
    func testCleanPresetCropsAtCentre() throws {
        let path = GoldenFixtures.path("asterisk_vm-opts_8k_mono.wav")
        let pre = Preprocessor(config: .pengiClean)
        let wave = try pre.waveform(try pre.decoder.decode(path))
        XCTAssertEqual(wave.count, 333_617)
        let start = (333_617 - 308_700) / 2
        let byHand = try pre.features(clip: Array(wave[start..<start + 308_700]))
        let t = try pre.features(path: path)
        XCTAssertEqual(t.shape, [965, 64])
        XCTAssertEqual(t.toArray(), byHand.toArray())
    }
}

final class ChannelPolicyTests: XCTestCase {
    /// concat = channel 0 then channel 1 (torchaudio [channels, frames].reshape(-1)); mean
    /// averages; first keeps channel 0.
    func testPolicies() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = dir + "/lr.wav"
        let left = [Float](repeating: 0.5, count: 100), right = [Float](repeating: -0.25, count: 100)
        try AudioWriter.write([left, right], sampleRate: 16000, to: p, format: .wavFloat)
        var c = PreprocessingConfig.pengi
        c.sampleRate = 16000
        let audio = try AudioDecoder().decode(p)
        c.channels = .concat
        XCTAssertEqual(try Preprocessor(config: c).waveform(audio), left + right)
        c.channels = .mean
        XCTAssertEqual(try Preprocessor(config: c).waveform(audio), [Float](repeating: 0.125, count: 100))
        c.channels = .first
        XCTAssertEqual(try Preprocessor(config: c).waveform(audio), left)
    }

    /// Peak normalisation divides by max |x| and leaves silence alone.
    func testPeakNormalize() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = PreprocessingConfig.aisfx
        c.sampleRate = 16000
        let pre = Preprocessor(config: c)
        XCTAssertEqual(try pre.waveform(DecodedAudio(path: "x", sampleRate: 16000, channels: [[0.1, -0.4, 0.2]])), [0.25, -1, 0.5])
        XCTAssertEqual(try pre.waveform(DecodedAudio(path: "x", sampleRate: 16000, channels: [[0, 0]])), [0, 0])
    }
}
