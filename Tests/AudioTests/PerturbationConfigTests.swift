import Audio
import Foundation
import Tensor
import TestSupport
import XCTest

/// A perturbation in the front-end config: the fingerprint, validation, and the preprocessor.
final class PerturbationConfigTests: XCTestCase {
    /// `PreprocessingConfig.pengi.fingerprint` as main computed it before perturbations existed:
    /// a nil perturbation must leave every existing cache valid.
    static let pengiFingerprintBeforePerturbations = "a8ae107b3b7cb78e"

    func testFingerprintUnchangedWithoutPerturbation() {
        XCTAssertNil(PreprocessingConfig.pengi.perturbation)
        XCTAssertEqual(PreprocessingConfig.pengi.fingerprint, Self.pengiFingerprintBeforePerturbations)
        XCTAssertFalse(PreprocessingConfig.pengi.canonicalDescription.contains("perturb"))
    }

    func testFingerprintFollowsPerturbationAndSeed() {
        let perturbations: [Perturbation] = [
            Perturbation(.noise(source: .white, snr: 10)), Perturbation(.noise(source: .white, snr: 10), seed: 1),
            Perturbation(.noise(source: .white, snr: 5)), Perturbation(.noise(source: .pink, snr: 10)),
            Perturbation(.gain(decibels: -6)), Perturbation(.shift(seconds: 0.1)), Perturbation(.resample(rate: 8000)),
            Perturbation(.codec(format: .mp3, quality: 0.5)), Perturbation(.codec(format: .vorbis, quality: 0.5)),
            Perturbation(.reverb(impulseResponse: "/ir.wav")), Perturbation(.reverb(impulseResponse: "/ir.wav", wet: 0.5)),
        ]
        let prints = perturbations.map { p -> String in
            var c = PreprocessingConfig.pengi
            c.perturbation = p
            XCTAssertTrue(c.canonicalDescription.hasSuffix(";perturb2=\(p.description)"))
            return c.fingerprint
        }
        XCTAssertEqual(Set(prints + [PreprocessingConfig.pengi.fingerprint]).count, perturbations.count + 1)
        // A deterministic kind gives the same audio for every seed, so it shares one cache.
        var a = PreprocessingConfig.pengi, b = a
        a.perturbation = Perturbation(.gain(decibels: -6), seed: 1)
        b.perturbation = Perturbation(.gain(decibels: -6), seed: 2)
        XCTAssertEqual(a.fingerprint, b.fingerprint)
    }

    func testCodableKeepsPerturbation() throws {
        var c = PreprocessingConfig.pengiClean
        c.perturbation = Perturbation(.noise(source: .files(label: "x", paths: ["/a.wav", "/b.wav"]), snr: -5), seed: 4)
        let back = try JSONDecoder().decode(PreprocessingConfig.self, from: try JSONEncoder().encode(c))
        XCTAssertEqual(back, c)
        // A config saved before perturbations existed has no key for them and still decodes.
        let old = try JSONEncoder().encode(PreprocessingConfig.pengi)
        XCTAssertFalse(String(decoding: old, as: UTF8.self).contains("perturbation"))
        XCTAssertEqual(try JSONDecoder().decode(PreprocessingConfig.self, from: old), .pengi)
    }

    func testImpossibleParametersAreProblems() {
        let bad: [(Perturbation.Kind, String)] = [
            (.resample(rate: 0), "resample rate must be above 0"),
            (.resample(rate: 44100), "below the clip's 44100 Hz"),
            (.resample(rate: 96000), "below the clip's 44100 Hz"),
            (.resample(rate: 44099), "kernel"),
            (.codec(format: .mp3, quality: 1.5), "quality must be in 0...1"),
            (.codec(format: .vorbis, quality: -0.1), "quality must be in 0...1"),
            (.reverb(impulseResponse: "/ir.wav", wet: 1.1), "wet mix must be in 0...1"),
            (.noise(source: .white, snr: .infinity), "snr must be a finite number"),
            (.noise(source: .white, snr: .nan), "snr must be a finite number"),
            (.noise(source: .files(label: "none", paths: []), snr: 0), "holds no files"),
            (.gain(decibels: .nan), "gain must be a finite number"),
            (.shift(seconds: .infinity), "shift must be a finite number"),
        ]
        for (kind, expected) in bad {
            var c = PreprocessingConfig.pengi
            c.perturbation = Perturbation(kind)
            XCTAssertTrue(c.problem?.contains(expected) == true, "\(kind): \(c.problem ?? "no problem")")
            XCTAssertThrowsError(try Preprocessor(config: c).clip(path: GoldenFixtures.path("asterisk_hello-world_8k_mono.wav"))) {
                guard case .invalidParameter(let path, _)? = $0 as? AudioError else { return XCTFail("\($0)") }
                XCTAssertTrue(path.hasSuffix("asterisk_hello-world_8k_mono.wav"))
            }
        }
        var fine = PreprocessingConfig.pengi
        fine.perturbation = Perturbation(.resample(rate: 8000))
        XCTAssertNil(fine.problem)
    }

    /// The preprocessor perturbs the final clip (without peak normalisation): the same samples
    /// as perturbing its unperturbed clip by hand, and features computed from them.
    func testPreprocessorPerturbsTheFinalClip() throws {
        let path = GoldenFixtures.path("asterisk_vm-opts_8k_mono.wav")
        let p = Perturbation(.noise(source: .pink, snr: 5), seed: 3)
        var config = PreprocessingConfig.pengi
        let clean = try Preprocessor(config: config).clip(path: path)
        config.perturbation = p
        let pre = Preprocessor(config: config)
        let perturbed = try pre.clip(path: path)
        XCTAssertEqual(perturbed, try p.apply(clean, sampleRate: 44100, path: path))
        XCTAssertEqual(perturbed.count, 308_700)
        XCTAssertEqual(try pre.features(path: path).toArray(), try pre.features(clip: perturbed).toArray())
        XCTAssertEqual(pre.featuresAll([path], threads: 1).first.flatMap { try? $0.get().toArray() },
                       try pre.features(clip: perturbed).toArray())
        let measured = Perturbation.activeSNR(clean: clean, noise: zip(perturbed, clean).map { $0 - $1 }, sampleRate: 44100)
        XCTAssertEqual(measured, 5, accuracy: 0.1)

        // A front-end that normalises the peak (aisfx) is perturbed before it normalises, as a
        // recording is: a gain is undone, noise is not.
        var aisfx = PreprocessingConfig.aisfx
        let whole = try Preprocessor(config: aisfx).clip(path: path)
        aisfx.perturbation = Perturbation(.gain(decibels: -20))
        let quieter = try Preprocessor(config: aisfx).clip(path: path)
        XCTAssertEqual(quieter.count, whole.count)
        let worst = zip(quieter, whole).map { abs($0 - $1) }.max() ?? 1
        print("aisfx: -20 dB gain, then peak normalisation: max |diff| \(worst)")
        XCTAssertLessThan(worst, 1e-6)
        aisfx.perturbation = Perturbation(.noise(source: .white, snr: 0), seed: 1)
        let noisy = try Preprocessor(config: aisfx).clip(path: path)
        XCTAssertEqual(noisy.count, whole.count)
        XCTAssertEqual(noisy.map { abs($0) }.max() ?? 0, 1, accuracy: 1e-6, "normalised after the noise")
        XCTAssertGreaterThan(zip(noisy, whole).map { abs($0 - $1) }.max() ?? 0, 0.1)
    }
}

/// Replacing a reverb's impulse response at the same path changes the fingerprint, so cached
/// features of the old one are not reused.
final class ImpulseResponseIdentityTests: XCTestCase {
    func testReplacedImpulseResponseChangesTheFingerprint() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("palm-ir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ir = dir.appendingPathComponent("hall.wav").path
        try AudioWriter.write([[1, 0.5, 0.25]], sampleRate: 16000, to: ir, format: .wav16)
        var config = PreprocessingConfig.pengi
        config.perturbation = Perturbation(.reverb(impulseResponse: ir, wet: 1))
        let first = config.fingerprint
        XCTAssertEqual(config.fingerprint, first, "stable while the file is unchanged")
        try AudioWriter.write([[1, 0.9, 0.8, 0.7, 0.6]], sampleRate: 16000, to: ir, format: .wav16)
        XCTAssertNotEqual(config.fingerprint, first)
        XCTAssertTrue(config.canonicalDescription.contains(",ir.size="), config.canonicalDescription)
    }
}
