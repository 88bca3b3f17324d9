import Audio
import Foundation
import Tensor
import TestSupport
import XCTest

/// Gain, shift, resampling, codec round trips and reverberation keep the clip's length and do
/// what they say.
final class PerturbationSignalTests: XCTestCase {
    func testGainIsExact() throws {
        let x = PerturbationTestSignals.bursts(seconds: 0.5)
        let y = try Perturbation(.gain(decibels: -6)).apply(x, sampleRate: 16000, path: "g.wav")
        let a = Float(pow(10, -6.0 / 20))
        XCTAssertEqual(y, x.map { $0 * a })
        XCTAssertEqual(try Perturbation(.gain(decibels: 0)).apply(x, sampleRate: 16000, path: "g.wav"), x)
    }

    func testShiftMovesAClickBySamples() throws {
        var x = [Float](repeating: 0, count: 16000)
        x[1000] = 1
        x[15990] = 0.5
        func click(_ y: [Float]) -> Int { y.indices.max { abs(y[$0]) < abs(y[$1]) }! }
        let later = try Perturbation(.shift(seconds: 0.01)).apply(x, sampleRate: 16000, path: "s.wav")
        XCTAssertEqual(later.count, x.count)
        XCTAssertEqual(click(later), 1160)
        XCTAssertEqual(later.filter { $0 != 0 }.count, 1, "the late click is shifted out")
        XCTAssertEqual(Array(later[0..<160]), [Float](repeating: 0, count: 160))
        let earlier = try Perturbation(.shift(seconds: -0.0625)).apply(x, sampleRate: 16000, path: "s.wav")
        XCTAssertEqual(click(earlier), 0)
        XCTAssertEqual(earlier[14990], 0.5)
        XCTAssertEqual(Array(earlier[15000...]), [Float](repeating: 0, count: 1000))
    }

    /// Down to 4 kHz and back: a 3 kHz tone (above the new 2 kHz Nyquist) is gone, a 1 kHz
    /// tone is intact.
    func testResampleRemovesToneAboveNewNyquist() throws {
        let p = Perturbation(.resample(rate: 4000))
        let above = PerturbationTestSignals.tone(3000, seconds: 1, sampleRate: 16000)
        let below = PerturbationTestSignals.tone(1000, seconds: 1, sampleRate: 16000)
        let gone = try p.apply(above, sampleRate: 16000, path: "r.wav")
        let kept = try p.apply(below, sampleRate: 16000, path: "r.wav")
        XCTAssertEqual(gone.count, above.count)
        XCTAssertEqual(kept.count, below.count)
        let inner = 100..<15900  // away from the edges, where the filter sees zeros
        let goneRatio = PerturbationTestSignals.rms(Array(gone[inner])) / PerturbationTestSignals.rms(Array(above[inner]))
        let keptCorrelation = PerturbationTestSignals.correlation(Array(kept[inner]), Array(below[inner]))
        let keptDifference = PerturbationTestSignals.maxDifference(Array(kept[inner]), Array(below[inner]))
        print("resample 16000->4000->16000: 3 kHz tone kept \(goneRatio) of its RMS; 1 kHz correlation \(keptCorrelation), max diff \(keptDifference)")
        XCTAssertLessThan(goneRatio, 0.01)
        XCTAssertGreaterThan(keptCorrelation, 0.9999)
        // 44.1 kHz to 8 kHz and back keeps the length too (rates with a small gcd).
        let x = PerturbationTestSignals.tone(440, seconds: 0.3, sampleRate: 44100)
        XCTAssertEqual(try Perturbation(.resample(rate: 8000)).apply(x, sampleRate: 44100, path: "r.wav").count, x.count)
    }

    /// A tone survives MP3 and Vorbis round trips, aligned (correlation at lag 0) and at its
    /// length; codecs this libsndfile cannot write give a clear error instead.
    func testCodecRoundTripKeepsATone() throws {
        let x = PerturbationTestSignals.tone(440, seconds: 1, sampleRate: 44100, amplitude: 0.5)
            .enumerated().map { i, v in i < 4410 ? 0 : v }  // a silent start shows any misalignment
        for format in Perturbation.CodecFormat.allCases {
            let p = Perturbation(.codec(format: format, quality: 0.5))
            if let why = p.problem(sampleRate: 44100) {
                print("codec \(format): not available here: \(why)")
                XCTAssertThrowsError(try p.apply(x, sampleRate: 44100, path: "c.wav")) { XCTAssertTrue("\($0)".contains(why)) }
                continue
            }
            for quality in [0.0, 0.5, 1.0] {
                let p = Perturbation(.codec(format: format, quality: quality))
                let y = try p.apply(x, sampleRate: 44100, path: "c.wav")
                XCTAssertEqual(y.count, x.count)
                let c = PerturbationTestSignals.correlation(x, y)
                print("codec \(p): tone correlation \(c), output RMS \(PerturbationTestSignals.rms(y)) vs \(PerturbationTestSignals.rms(x))")
                XCTAssertGreaterThan(c, 0.9, "\(p)")
                XCTAssertEqual(try p.apply(x, sampleRate: 44100, path: "c.wav"), y, "deterministic")
            }
            // Alignment, with a broadband signal (a tone correlates at every period): the
            // cross-correlation of a noise burst with its round trip peaks at lag 0.
            var g = SeededGenerator(seed: 5)
            let burst = (0..<22050).map { i in (5000..<15000).contains(i) ? 0.3 * g.normal() : 0 }
            for rate in [44100, 16000] {
                let y = try p.apply(burst, sampleRate: rate, path: "c.wav")
                XCTAssertEqual(y.count, burst.count)
                var best = (lag: Int.min, value: -Double.infinity)
                for lag in -3000...3000 {
                    var s = 0.0
                    for i in 5000..<15000 where i + lag >= 0 && i + lag < y.count { s += Double(burst[i]) * Double(y[i + lag]) }
                    if s > best.value { best = (lag, s) }
                }
                print("codec \(p) at \(rate) Hz: noise burst cross-correlation peaks at lag \(best.lag)")
                XCTAssertEqual(best.lag, 0, "\(p) at \(rate) Hz")
            }
        }
        // MPEG audio has a fixed set of rates.
        XCTAssertNotNil(Perturbation(.codec(format: .mp3, quality: 0.5)).problem(sampleRate: 7000))
        XCTAssertThrowsError(try Perturbation(.codec(format: .mp3, quality: 0.5)).apply(x, sampleRate: 7000, path: "/d/odd.wav")) {
            XCTAssertEqual(($0 as? AudioError)?.path, "/d/odd.wav")
            print("mp3 at 7000 Hz: \($0)")
        }
    }

    /// A unit impulse response returns the input; a delayed one equals a shift; `wet` mixes.
    func testReverbWithImpulses() throws {
        let dir = try TemporaryDirectory("palm-reverb")
        let x = PerturbationTestSignals.bursts(seconds: 1, sampleRate: 16000)
        try AudioWriter.write([[1]], sampleRate: 16000, to: dir.file("unit.wav"), format: .wavFloat)
        var delayed = [Float](repeating: 0, count: 161)
        delayed[160] = 0.25  // scaled to unit energy on load
        try AudioWriter.write([delayed], sampleRate: 16000, to: dir.file("delayed.wav"), format: .wavFloat)

        let same = try Perturbation(.reverb(impulseResponse: dir.file("unit.wav"))).apply(x, sampleRate: 16000, path: "v.wav")
        let sameDiff = PerturbationTestSignals.maxDifference(same, x)
        let shifted = try Perturbation(.reverb(impulseResponse: dir.file("delayed.wav"), wet: 1)).apply(x, sampleRate: 16000, path: "v.wav")
        let byShift = try Perturbation(.shift(seconds: 0.01)).apply(x, sampleRate: 16000, path: "v.wav")
        let shiftDiff = PerturbationTestSignals.maxDifference(shifted, byShift)
        print("reverb: unit impulse max diff \(sameDiff); delayed impulse vs shift max diff \(shiftDiff)")
        XCTAssertEqual(same.count, x.count)
        XCTAssertEqual(shifted.count, x.count)
        XCTAssertLessThan(sameDiff, 1e-5)
        XCTAssertLessThan(shiftDiff, 1e-5)

        let half = try Perturbation(.reverb(impulseResponse: dir.file("delayed.wav"), wet: 0.5)).apply(x, sampleRate: 16000, path: "v.wav")
        XCTAssertLessThan(PerturbationTestSignals.maxDifference(half, zip(x, byShift).map { 0.5 * $0 + 0.5 * $1 }), 1e-5)

        // A stereo IR at another rate is mixed down and resampled: still one spike, delayed.
        var stereo = [Float](repeating: 0, count: 4410)
        stereo[441] = 1  // 10 ms at 44.1 kHz
        try AudioWriter.write([stereo, stereo], sampleRate: 44100, to: dir.file("stereo.wav"), format: .wavFloat)
        let y = try Perturbation(.reverb(impulseResponse: dir.file("stereo.wav"))).apply(x, sampleRate: 16000, path: "v.wav")
        XCTAssertGreaterThan(PerturbationTestSignals.correlation(y, byShift), 0.99)

        XCTAssertThrowsError(try Perturbation(.reverb(impulseResponse: dir.file("none.wav"))).apply(x, sampleRate: 16000, path: "v.wav")) {
            XCTAssertEqual($0 as? AudioError, .fileNotFound(path: dir.file("none.wav")))
        }
    }

    /// Long clips are convolved in overlap-added blocks: samples on both sides of a block
    /// boundary match the direct sum, and a delayed impulse still equals a shift.
    func testReverbOfALongClipMatchesDirectConvolution() throws {
        let dir = try TemporaryDirectory("palm-reverb")
        var g = SeededGenerator(seed: 11)
        let x = (0..<300_000).map { _ in 0.2 * g.normal() }
        var h = (0..<1000).map { i in Float(exp(-Double(i) / 200)) * g.normal() }
        try AudioWriter.write([h], sampleRate: 16000, to: dir.file("ir.wav"), format: .wavFloat)
        let energy = h.reduce(0.0) { $0 + Double($1) * Double($1) }
        h = h.map { Float(Double($0) / energy.squareRoot()) }
        let y = try Perturbation(.reverb(impulseResponse: dir.file("ir.wav"))).apply(x, sampleRate: 16000, path: "long.wav")
        XCTAssertEqual(y.count, x.count)
        let step = (1 << 18) - h.count + 1  // the first block boundary
        var worst: Float = 0
        for i in Array(0..<5) + Array((step - 5)...(step + 5)) + [150_000, 299_999] {
            var direct = 0.0
            for k in 0..<h.count where i - k >= 0 { direct += Double(h[k]) * Double(x[i - k]) }
            worst = max(worst, abs(Float(direct) - y[i]))
        }
        print("reverb of a 300000-sample clip (overlap-add): max diff from direct convolution \(worst)")
        XCTAssertLessThan(worst, 1e-5)

        var delayed = [Float](repeating: 0, count: 161)
        delayed[160] = 1
        try AudioWriter.write([delayed], sampleRate: 16000, to: dir.file("delayed.wav"), format: .wavFloat)
        let shifted = try Perturbation(.reverb(impulseResponse: dir.file("delayed.wav"))).apply(x, sampleRate: 16000, path: "long.wav")
        let byShift = try Perturbation(.shift(seconds: 0.01)).apply(x, sampleRate: 16000, path: "long.wav")
        XCTAssertLessThan(PerturbationTestSignals.maxDifference(shifted, byShift), 1e-5)
    }

    /// Every kind keeps the length, including clips shorter than a codec frame or an IR.
    func testLengthIsKept() throws {
        let dir = try TemporaryDirectory("palm-length")
        var ir = [Float](repeating: 0, count: 8000)
        for i in ir.indices { ir[i] = Float(exp(-Double(i) / 800) * sin(Double(i))) }
        try AudioWriter.write([ir], sampleRate: 16000, to: dir.file("ir.wav"), format: .wavFloat)
        var kinds: [Perturbation.Kind] = [.noise(source: .pink, snr: 0), .gain(decibels: 3), .shift(seconds: -0.001),
                                          .resample(rate: 8000), .reverb(impulseResponse: dir.file("ir.wav"), wet: 0.3)]
        for format in Perturbation.CodecFormat.allCases where Perturbation(.codec(format: format, quality: 0.5)).problem(sampleRate: 16000) == nil {
            kinds.append(.codec(format: format, quality: 0.5))
        }
        for n in [37, 1000, 16001] {
            let x = PerturbationTestSignals.tone(300, seconds: Double(n) / 16000, sampleRate: 16000)
            XCTAssertEqual(x.count, n)
            for k in kinds {
                XCTAssertEqual(try Perturbation(k).apply(x, sampleRate: 16000, path: "l.wav").count, n, "\(k) on \(n) samples")
            }
        }
    }
}
