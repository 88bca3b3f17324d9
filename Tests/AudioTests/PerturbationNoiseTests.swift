import Audio
import Foundation
import Tensor
import TestSupport
import XCTest

/// Noise at a measured SNR (issue 16): the SNR over the active signal hits the target, and the
/// noise is a function of the perturbation's seed and the clip's file name only.
final class PerturbationNoiseTests: XCTestCase {
    static let rate = 16000
    static let targets: [Double] = [20, 10, 5, 0, -5]

    /// Three noise recordings: shorter than the clip (looped), longer, and stereo at another
    /// rate (mixed down and resampled).
    static func noiseFolder(_ dir: TemporaryDirectory) throws -> NoiseSource {
        var g = SeededGenerator(seed: 42)
        let folder = dir.file("noise")
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
        let short = (0..<8000).map { _ in 0.1 * g.normal() }
        var level: Float = 0
        let long = (0..<48000).map { _ -> Float in level = 0.95 * level + 0.05 * g.normal(); return level }
        let left = (0..<30000).map { i in Float(0.2 * sin(Double(i) * 0.05)) + 0.05 * g.normal() }
        let right = (0..<30000).map { _ in 0.05 * g.normal() }
        try AudioWriter.write([short], sampleRate: rate, to: folder + "/a-short.wav", format: .wav16)
        try AudioWriter.write([long], sampleRate: rate, to: folder + "/b-long.wav", format: .wavFloat)
        try AudioWriter.write([left, right], sampleRate: 22050, to: folder + "/sub/c-stereo.flac", format: .flac16)
        FileManager.default.createFile(atPath: folder + "/notes.txt", contents: Data("not audio".utf8))
        return try NoiseSource.folder(folder)
    }

    /// The SNR recomputed here from scratch (20 ms frames, 40 dB range) rather than through
    /// `ActiveSignal`, so the test does not only check the code against itself.
    static func referenceSNR(clean: [Float], mixed: [Float], sampleRate: Int) -> Double {
        let length = Int((0.02 * Double(sampleRate)).rounded())
        var frames = [(Range<Int>, Double)]()
        var start = 0
        while start < clean.count {
            let r = start..<min(start + length, clean.count)
            frames.append((r, r.reduce(0.0) { $0 + Double(clean[$1]) * Double(clean[$1]) } / Double(r.count)))
            start += length
        }
        let loudest = frames.map(\.1).max()!
        var ps = 0.0, pn = 0.0, count = 0
        for (r, p) in frames where p > 0 && 10 * log10(loudest / p) <= 40 {
            for i in r {
                let n = Double(mixed[i]) - Double(clean[i])
                ps += Double(clean[i]) * Double(clean[i]); pn += n * n; count += 1
            }
        }
        return 10 * log10(ps / pn)
    }

    func testMeasuredSNRIsWithinATenthOfADecibelOfEveryTarget() throws {
        let dir = try TemporaryDirectory("palm-noise")
        let clean = PerturbationTestSignals.bursts(sampleRate: Self.rate)
        let frames = ActiveSignal.activeFrames(clean, sampleRate: Self.rate)
        XCTAssertGreaterThan(frames.count, 0)
        XCTAssertLessThan(frames.count, clean.count / ActiveSignal.frameLength(sampleRate: Self.rate))  // pauses excluded
        let sources: [NoiseSource] = [.white, .pink, .brown, try Self.noiseFolder(dir)]
        var worst = 0.0
        for source in sources {
            var errors = [String]()
            for snr in Self.targets {
                let p = Perturbation(.noise(source: source, snr: snr), seed: 7)
                let mixed = try p.apply(clean, sampleRate: Self.rate, path: "/data/dog/bark-01.wav")
                XCTAssertEqual(mixed.count, clean.count)
                let added = zip(mixed, clean).map { $0 - $1 }
                let measured = Perturbation.activeSNR(clean: clean, noise: added, sampleRate: Self.rate)
                let reference = Self.referenceSNR(clean: clean, mixed: mixed, sampleRate: Self.rate)
                XCTAssertEqual(measured, snr, accuracy: 0.1, "\(p)")
                XCTAssertEqual(reference, snr, accuracy: 0.1, "\(p) (reference measurement)")
                worst = max(worst, abs(measured - snr), abs(reference - snr))
                errors.append(String(format: "%g:%.2e", snr, measured - snr))
            }
            print("SNR error (dB) for \(source): \(errors.joined(separator: " "))")
        }
        print("largest SNR error: \(worst) dB")
    }

    /// Same seed and file: bit-identical. Another file name or seed: other noise.
    func testNoiseIsSeededPerClip() throws {
        let dir = try TemporaryDirectory("palm-noise")
        let clean = PerturbationTestSignals.bursts(seconds: 1, sampleRate: Self.rate)
        for source in [NoiseSource.white, .pink, .brown, try Self.noiseFolder(dir)] {
            let p = Perturbation(.noise(source: source, snr: 5), seed: 3)
            let a = try p.apply(clean, sampleRate: Self.rate, path: "/x/clip-1.wav")
            XCTAssertEqual(a, try p.apply(clean, sampleRate: Self.rate, path: "/x/clip-1.wav"), "\(source)")
            XCTAssertEqual(a, try p.apply(clean, sampleRate: Self.rate, path: "/elsewhere/clip-1.wav"), "\(source): only the name counts")
            XCTAssertNotEqual(a, try p.apply(clean, sampleRate: Self.rate, path: "/x/clip-2.wav"), "\(source)")
            var other = p
            other.seed = 4
            XCTAssertNotEqual(a, try other.apply(clean, sampleRate: Self.rate, path: "/x/clip-1.wav"), "\(source)")
        }
    }

    /// The colours have the spectral slopes their names promise: pink loses about 3 dB per
    /// octave and brown about 6 dB (measured between 200-400 Hz and 1600-3200 Hz).
    func testColouredNoiseSlopes() throws {
        let silence = [Float](repeating: 0, count: 4 * Self.rate)
        var click = silence
        click[100] = 1
        for (source, slope) in [(NoiseSource.white, 0.0), (.pink, -3.0), (.brown, -6.0)] {
            let x = try Perturbation(.noise(source: source, snr: 0)).apply(click, sampleRate: Self.rate, path: "c.wav")
            let n = x.count
            let spectrum = PowerSpectrogram(config: STFTConfig(nFFT: 2048, hop: 512, center: false))(x)
            func bandPower(_ lo: Double, _ hi: Double) -> Double {
                let k0 = Int(lo * 2048 / Double(Self.rate)), k1 = Int(hi * 2048 / Double(Self.rate))
                var s = 0.0
                for t in 0..<spectrum.frames { for k in k0..<k1 { s += Double(spectrum.values[t * spectrum.bins + k]) } }
                return s / Double(k1 - k0)
            }
            let perOctave = 10 * log10(bandPower(1600, 3200) / bandPower(200, 400)) / 3
            print("\(source): \(String(format: "%.2f", perOctave)) dB per octave over \(n) samples")
            XCTAssertEqual(perOctave, slope, accuracy: 0.75, "\(source)")
        }
    }

    /// A silent clip has no active signal, so no SNR can be met: a clear error naming the file.
    func testSilentClipIsAnError() {
        let silent = [Float](repeating: 0, count: Self.rate)
        XCTAssertThrowsError(try Perturbation(.noise(source: .white, snr: 10)).apply(silent, sampleRate: Self.rate, path: "/d/quiet.wav")) {
            let e = $0 as? AudioError
            XCTAssertEqual(e?.path, "/d/quiet.wav")
            XCTAssertTrue(e?.description.contains("no active signal to measure an SNR against") == true, "\(String(describing: e))")
        }
        XCTAssertTrue(Perturbation.activeSNR(clean: silent, noise: silent, sampleRate: Self.rate).isNaN)
    }

    /// Frames more than 40 dB under the loudest are not signal: a -50 dB tail adds nothing.
    func testActiveFramesSkipQuietPassages() {
        let loud = PerturbationTestSignals.tone(440, seconds: 0.5, sampleRate: Self.rate)
        let quiet = loud.map { $0 * 0.003 }  // -50 dB
        let frames = ActiveSignal.activeFrames(loud + quiet, sampleRate: Self.rate)
        XCTAssertEqual(frames.count, 25)  // 0.5 s of 20 ms frames
        XCTAssertEqual(frames.last?.upperBound, 8000)
    }

    /// A noise folder lists its audio files recursively and sorted; its description hashes them.
    func testNoiseFolderListing() throws {
        let dir = try TemporaryDirectory("palm-noise")
        let source = try Self.noiseFolder(dir)
        guard case .files(let label, let paths) = source else { return XCTFail("\(source)") }
        XCTAssertEqual(paths.map { ($0 as NSString).lastPathComponent }, ["a-short.wav", "b-long.wav", "c-stereo.flac"])
        XCTAssertEqual(label, "folder:\(dir.file("noise"))")
        XCTAssertTrue(source.description.hasPrefix("folder:\(dir.file("noise"))#"), source.description)
        let before = source.description
        try AudioWriter.write([[0.1, 0.2]], sampleRate: Self.rate, to: dir.file("noise/a-short.wav"), format: .wav16)
        XCTAssertNotEqual(source.description, before, "replacing a file changes the hash")
        let empty = dir.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try NoiseSource.folder(empty)) { XCTAssertTrue("\($0)".contains("no audio files"), "\($0)") }
        XCTAssertThrowsError(try NoiseSource.folder(dir.file("missing"))) { XCTAssertEqual($0 as? AudioError, .fileNotFound(path: dir.file("missing"))) }
    }
}
