import Audio
import Foundation
import XCTest

final class ResamplerTests: XCTestCase {
    /// torchaudio `transforms.Resample` on real recordings (8, 16, 22.05, 44.1, 48 kHz; mono and
    /// stereo), channels resampled separately then concatenated (PENGI's `reshape(-1)`).
    /// Tolerance 2e-6: the kernel is built with torchaudio's exact float64 formula and rounding,
    /// so only float32 summation order differs (sgemm vs conv1d), ~1e-7 per output for |x| <= 1.
    func testMatchesTorchaudioOnRecordings() throws {
        let manifest = try GoldenFixtures.manifest()
        let decoder = AudioDecoder()
        var worst: Float = 0
        for f in manifest.files {
            let audio = try decoder.decode(GoldenFixtures.path(f.name))
            XCTAssertEqual(audio.sampleRate, f.sample_rate, f.name)
            XCTAssertEqual(audio.channels.count, f.channels, f.name)
            XCTAssertEqual(audio.frameCount, f.frames, f.name)
            let r = Resampler(from: audio.sampleRate, to: 44100)
            let flat = audio.channels.flatMap { r($0) }
            XCTAssertEqual(flat.count, f.resampled_length, f.name)
            let expected = try GoldenFixtures.floats(f.base + ".resampled.f32")
            var got = [Float]()
            for o in f.excerpt_offsets { got += flat[o..<min(flat.count, o + manifest.excerpt)] }
            let d = maxAbsDiff(got, expected)
            print("resample \(f.name) \(f.sample_rate) -> 44100: max |diff| = \(d)")
            XCTAssertLessThanOrEqual(d, 2e-6, f.name)
            worst = max(worst, d)
        }
        print("resample: worst max |diff| over all files = \(worst)")
    }

    /// The sgemm path against the direct per-sample formula, for several rate pairs.
    func testFastPathMatchesDirectFormula() {
        var g = SeededSignal(seed: 7)
        for (a, b) in [(8000, 44100), (48000, 44100), (22050, 44100), (44100, 16000), (32000, 44100), (44100, 8000)] {
            let x = (0..<5000).map { _ in g.next() }
            let r = Resampler(from: a, to: b)
            let fast = r(x), slow = r.reference(x)
            let d = maxAbsDiff(fast, slow)
            print("resample fast vs direct \(a) -> \(b): max |diff| = \(d)")
            XCTAssertLessThanOrEqual(d, 1e-6)
        }
    }

    func testLengthsAndParameters() {
        let r = Resampler(from: 48000, to: 44100)
        XCTAssertEqual(r.orig, 160)
        XCTAssertEqual(r.new, 147)
        XCTAssertEqual(r.width, 7)  // ceil(6 * 160 / (147 * 0.99))
        XCTAssertEqual(r.outputLength(48000), 44100)
        XCTAssertEqual(r.outputLength(1), 1)
        XCTAssertEqual(Resampler(from: 8000, to: 44100).outputLength(11234), 61928)
        let same = Resampler(from: 44100, to: 44100)
        XCTAssertEqual(same([1, 2, 3]), [1, 2, 3])
    }

    /// A band-limited sine keeps its amplitude and frequency through resampling.
    func testSinePreserved() {
        let f = 440.0
        let x = (0..<48000).map { Float(sin(2 * Double.pi * f * Double($0) / 48000)) }
        let y = Resampler(from: 48000, to: 44100)(x)
        var worst: Float = 0
        for i in 1000..<43000 {
            worst = max(worst, abs(y[i] - Float(sin(2 * Double.pi * f * Double(i) / 44100))))
        }
        XCTAssertLessThan(worst, 1e-3)
    }
}

/// Deterministic test signal in [-1, 1) (an LCG, independent of palm's generator).
struct SeededSignal {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 6364136223846793005 &+ 1442695040888963407 }
    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
    }
}

final class ResamplerKernelTests: XCTestCase {
    /// The 48000 -> 44100 kernel ([147, 174]) equals torchaudio's cached float32 kernel bit for
    /// bit (same float64 formula, including the float32 phase `-i / new`).
    func testKernelIsBitIdenticalToTorchaudio() throws {
        let r = Resampler(from: 48000, to: 44100)
        let expected = try GoldenFixtures.floats("resample_kernel_48000_44100.f32")
        XCTAssertEqual(r.kernel.count, 147 * 174)
        let mismatches = zip(r.kernel, expected).filter { $0.bitPattern != $1.bitPattern }.count
        print("resample kernel 48000 -> 44100: \(mismatches) of \(expected.count) floats differ in any bit; max |diff| = \(maxAbsDiff(r.kernel, expected))")
        XCTAssertEqual(mismatches, 0)
    }
}
