import Audio
import Foundation
import TestSupport
import XCTest

/// `--perturb` specs: one key may list values, the rest are shared; errors name the key.
final class PerturbationSweepTests: XCTestCase {
    func testNoiseSweep() throws {
        let ps = try Perturbation.sweep("noise:snr=20,10,5,0,-5,source=pink,seed=3")
        XCTAssertEqual(ps, [20, 10, 5, 0, -5].map { Perturbation(.noise(source: .pink, snr: $0), seed: 3) })
        XCTAssertEqual(ps.map(\.description), [20, 10, 5, 0, -5].map { "noise:snr=\($0),source=pink,seed=3" })
        XCTAssertEqual(try Perturbation.sweep("noise:snr=20,10,5,0,-5").map(\.description),
                       ["20", "10", "5", "0", "-5"].map { "noise:snr=\($0),source=white,seed=0" })
        XCTAssertEqual(try Perturbation.sweep("noise:source=white,pink,brown,snr=2.5").map(\.description),
                       ["white", "pink", "brown"].map { "noise:snr=2.5,source=\($0),seed=0" })
        XCTAssertEqual(try Perturbation.sweep("noise:snr=0,seed=1,2,3").map(\.seed), [1, 2, 3])
    }

    func testOtherKinds() throws {
        XCTAssertEqual(try Perturbation.sweep("gain:db=-6"), [Perturbation(.gain(decibels: -6))])
        XCTAssertEqual(try Perturbation.sweep("gain:db=-6").first?.description, "gain:db=-6")
        XCTAssertEqual(try Perturbation.sweep("shift:seconds=0.25,-0.1").map(\.description), ["shift:seconds=0.25", "shift:seconds=-0.1"])
        XCTAssertEqual(try Perturbation.sweep("resample:rate=8000,16000").map(\.kind), [.resample(rate: 8000), .resample(rate: 16000)])
        XCTAssertEqual(try Perturbation.sweep("codec:format=mp3,vorbis,quality=0.3").map(\.description),
                       ["codec:format=mp3,quality=0.3", "codec:format=vorbis,quality=0.3"])
        XCTAssertEqual(try Perturbation.sweep("codec:format=mp3").first?.description, "codec:format=mp3,quality=0.5")
        XCTAssertEqual(try Perturbation.sweep("reverb:ir=/irs/hall.wav").first?.description, "reverb:ir=/irs/hall.wav,wet=1")
        XCTAssertEqual(try Perturbation.sweep(" Reverb : ir=/irs/a=b.wav , wet=0,0.5,1").map(\.kind),
                       [0, 0.5, 1].map { .reverb(impulseResponse: "/irs/a=b.wav", wet: $0) })
        // Seeds of deterministic kinds are kept but not printed: their audio is the same.
        let seeded = try Perturbation.sweep("gain:db=3,seed=9")
        XCTAssertEqual(seeded.first?.seed, 9)
        XCTAssertEqual(seeded.first?.description, "gain:db=3")
    }

    /// Every description reads back as the same perturbation.
    func testDescriptionsRoundTrip() throws {
        let ps: [Perturbation] = [Perturbation(.noise(source: .brown, snr: -7.5), seed: 12), Perturbation(.gain(decibels: 0.1)),
                                  Perturbation(.shift(seconds: -1e-3)), Perturbation(.resample(rate: 11025)),
                                  Perturbation(.codec(format: .vorbis, quality: 1)), Perturbation(.reverb(impulseResponse: "/a/b.flac", wet: 0.25))]
        for p in ps {
            XCTAssertEqual(try Perturbation.sweep(p.description), [p], p.description)
        }
        XCTAssertEqual(ps[0].description, "noise:snr=-7.5,source=brown,seed=12")
        XCTAssertEqual(ps[2].description, "shift:seconds=-0.001")
    }

    /// Sources the caller knows (a dataset's class) come through `resolveSource`.
    func testResolveSource() throws {
        let rain = NoiseSource.files(label: "class:esc50:/data/ESC-50:rain", paths: ["/data/ESC-50/audio/1-17367-A-10.wav"])
        let ps = try Perturbation.sweep("noise:snr=10,5,source=class:esc50:/data/ESC-50:rain") { text in
            text.hasPrefix("class:") ? rain : nil
        }
        XCTAssertEqual(ps.map(\.kind), [.noise(source: rain, snr: 10), .noise(source: rain, snr: 5)])
        XCTAssertTrue(ps[0].description.hasPrefix("noise:snr=10,source=class:esc50:/data/ESC-50:rain#"), ps[0].description)
        struct Unknown: Error {}
        XCTAssertThrowsError(try Perturbation.sweep("noise:snr=1,source=class:x") { _ in throw Unknown() }) { XCTAssertTrue($0 is Unknown) }
    }

    func testFolderSource() throws {
        let dir = try TemporaryDirectory("palm-sweep")
        try AudioWriter.write([[0.1, -0.1, 0.2]], sampleRate: 16000, to: dir.file("n1.wav"), format: .wav16)
        let ps = try Perturbation.sweep("noise:snr=0,source=folder:\(dir.path)")
        XCTAssertEqual(ps.first?.kind, .noise(source: .files(label: "folder:\(dir.path)", paths: [dir.file("n1.wav")]), snr: 0))
        XCTAssertThrowsError(try Perturbation.sweep("noise:snr=0,source=folder:\(dir.file("nothing"))")) {
            XCTAssertTrue("\($0)".contains("source: \(dir.file("nothing")): file not found"), "\($0)")
        }
    }

    /// Each mistake is reported with the key at fault and what it should be.
    func testErrorsNameTheKey() {
        let cases: [(String, String)] = [
            ("none", "expected KIND:key=value"),
            ("noize:snr=3", "unknown kind 'noize' (did you mean 'noise'?)"),
            ("noise:snr=3,srouce=pink", "unknown key 'srouce' for noise (did you mean 'source'?)"),
            ("noise:source=pink", "noise needs snr: a signal-to-noise ratio in dB"),
            ("noise:snr=loud", "snr: expected a signal-to-noise ratio in dB (e.g. 10 or -5), got 'loud'"),
            ("noise:snr=inf", "snr: expected a signal-to-noise ratio in dB"),
            ("noise:snr=1,2,seed=1,2", "only one key may list several values, but snr and seed do"),
            ("noise:snr=1,snr=2", "snr is given twice"),
            ("noise:snr=", "snr has an empty value"),
            ("noise:snr=1,source=purple", "source: expected white, pink, brown or folder:PATH"),
            ("noise:snr=1,seed=-1", "seed: expected a whole number"),
            ("noise:5", "expected key=value after 'noise:', got '5'"),
            ("gain:decibels=3", "unknown key 'decibels' for gain"),
            ("resample:rate=8k", "rate: expected a sample rate in Hz"),
            ("resample:rate=0", "rate: expected a sample rate in Hz"),
            ("codec:format=aac", "format: expected mp3 or vorbis, got 'aac'"),
            ("codec:format=mp3,quality=2", "quality: expected a number from 0 (smallest file) to 1 (best quality), got '2'"),
            ("reverb:ir=/a.wav,wet=1.5", "wet: expected a number from 0 (dry) to 1"),
            ("reverb:wet=1", "reverb needs ir: the path of an impulse response audio file"),
        ]
        for (spec, expected) in cases {
            XCTAssertThrowsError(try Perturbation.sweep(spec), spec) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(spec): \(error)")
                XCTAssertTrue("\(error)".hasPrefix("perturbation '\(spec)': "), "\(error)")
            }
        }
    }
}
