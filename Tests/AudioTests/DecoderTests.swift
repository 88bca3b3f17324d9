import Audio
import Foundation
import XCTest

/// Round trips through libsndfile: every format `AudioWriter` offers, any rate, any channels.
final class DecoderTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func stereo(_ n: Int, rate: Int) -> [[Float]] {
        [(0..<n).map { Float(0.5 * sin(2 * Double.pi * 440 * Double($0) / Double(rate))) },
         (0..<n).map { Float(0.25 * sin(2 * Double.pi * 660 * Double($0) / Double(rate))) }]
    }

    func rms(_ x: [Float]) -> Float { (x.reduce(0) { $0 + $1 * $1 } / Float(max(1, x.count))).squareRoot() }

    /// Lossless formats decode to the written samples within their quantisation step.
    func testLosslessFormats() throws {
        let rate = 22050, n = 11025
        let x = stereo(n, rate: rate)
        let steps: [(AudioFileFormat, Float)] = [(.wavUnsigned8, 1.0 / 64), (.wav16, 1.0 / 16384), (.wav24, 1e-6),
                                                 (.wav32, 1e-8), (.wavFloat, 0), (.flac16, 1.0 / 16384), (.flac24, 1e-6)]
        for (format, tolerance) in steps {
            let p = dir + "/x-\(format).\(format.rawValue.hasPrefix("flac") ? "flac" : "wav")"
            try AudioWriter.write(x, sampleRate: rate, to: p, format: format)
            let a = try AudioDecoder().decode(p)
            XCTAssertEqual(a.sampleRate, rate, "\(format)")
            XCTAssertEqual(a.channels.count, 2, "\(format)")
            XCTAssertEqual(a.frameCount, n, "\(format)")
            let d = max(maxAbsDiff(a.channels[0], x[0]), maxAbsDiff(a.channels[1], x[1]))
            print("decode \(format): max |diff| = \(d)")
            XCTAssertLessThanOrEqual(d, tolerance, "\(format)")
        }
    }

    /// Lossy formats (when the system libsndfile can write them): right rate, channels, about
    /// the right length and loudness.
    func testLossyFormats() throws {
        let rate = 48000, n = 24000
        let x = stereo(n, rate: rate)
        var tried = 0
        for (format, ext) in [(AudioFileFormat.oggVorbis, "ogg"), (.oggOpus, "opus"), (.mp3, "mp3")] {
            guard format.isWritable(sampleRate: rate, channels: 2) else {
                print("decode \(format): libsndfile cannot write it here, skipped")
                continue
            }
            tried += 1
            let p = dir + "/x.\(ext)"
            try AudioWriter.write(x, sampleRate: rate, to: p, format: format)
            let a = try AudioDecoder().decode(p)
            print("decode \(format): \(a.frameCount) frames, rms \(rms(a.channels[0])) / \(rms(x[0]))")
            XCTAssertEqual(a.sampleRate, rate, "\(format)")
            XCTAssertEqual(a.channels.count, 2, "\(format)")
            XCTAssertEqual(Double(a.frameCount), Double(n), accuracy: 0.1 * Double(n), "\(format)")
            XCTAssertEqual(rms(a.channels[0]) / rms(x[0]), 1, accuracy: 0.3, "\(format)")
            XCTAssertEqual(rms(a.channels[1]) / rms(x[1]), 1, accuracy: 0.3, "\(format)")
        }
        XCTAssertGreaterThan(tried, 0, "no lossy format is writable")
    }

    /// Many channels, odd rates.
    func testManyChannelsAndRates() throws {
        for (rate, channels) in [(8000, 1), (11025, 3), (96000, 6)] {
            let p = dir + "/m\(channels).wav"
            let x = (0..<channels).map { c in (0..<1000).map { Float(c) * 0.1 + Float($0 % 7) * 0.01 } }
            try AudioWriter.write(x, sampleRate: rate, to: p, format: .wavFloat)
            let a = try AudioDecoder().decode(p)
            XCTAssertEqual(a.sampleRate, rate)
            XCTAssertEqual(a.channels, x)
        }
    }

    /// The fixtures decode to torchaudio's layout and scale (16-bit PCM / 32768).
    func testFixtureDecodes() throws {
        let m = try GoldenFixtures.manifest()
        for f in m.files {
            let a = try AudioDecoder().decode(GoldenFixtures.path(f.name))
            XCTAssertEqual([a.sampleRate, a.channels.count, a.frameCount], [f.sample_rate, f.channels, f.frames], f.name)
        }
    }

    func testSignatures() {
        XCTAssertEqual(AudioFileSignature.classify(Array("RIFF\0\0\0\0WAVEfmt ".utf8)), .riffWave)
        XCTAssertEqual(AudioFileSignature.classify(Array("fLaC".utf8)), .flac)
        XCTAssertEqual(AudioFileSignature.classify(Array("OggS".utf8)), .ogg)
        XCTAssertEqual(AudioFileSignature.classify(Array("ID3\u{3}".utf8)), .mp3)
        XCTAssertEqual(AudioFileSignature.classify([0, 0, 0, 0x20] + Array("ftypM4A ".utf8)), .mpeg4)
        XCTAssertEqual(AudioFileSignature.classify(Array("just words\n".utf8)), .text)
        XCTAssertEqual(AudioFileSignature.classify([0, 1, 2, 3]), .unknown)
    }
}
