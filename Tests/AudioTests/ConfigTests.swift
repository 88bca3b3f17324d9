import Audio
import Foundation
import Tensor
import XCTest

final class ConfigTests: XCTestCase {
    func testPengiPresetShape() {
        XCTAssertEqual(PreprocessingConfig.pengi.stft.frameCount(308_700), 965)
        XCTAssertEqual(PreprocessingConfig.pengi.mel.nMels, 64)
    }

    /// The fingerprint is a fixed function of the parameters: these values must not change
    /// between runs, machines or releases (the feature cache is keyed on them). If a deliberate
    /// front-end change alters them, bump the `v1` tag and update here.
    func testFingerprintsAreStable() {
        print("fingerprints: pengi \(PreprocessingConfig.pengi.fingerprint), pengiClean \(PreprocessingConfig.pengiClean.fingerprint), aisfx \(PreprocessingConfig.aisfx.fingerprint)")
        print("canonical pengi: \(PreprocessingConfig.pengi.canonicalDescription)")
        XCTAssertEqual(PreprocessingConfig.pengi.fingerprint, Self.pengiFingerprint)
        XCTAssertEqual(PreprocessingConfig.aisfx.fingerprint, Self.aisfxFingerprint)
        XCTAssertEqual(FNV1a64.hash(""), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(FNV1a64.hash("a"), 0xaf63_dc4c_8601_ec8c)  // published FNV-1a 64 test vector
    }
    static let pengiFingerprint = "a8ae107b3b7cb78e"
    static let aisfxFingerprint = "7926734ad97a58d3"

    func testFingerprintChangesWithEveryParameter() {
        let base = PreprocessingConfig.pengi
        var variants = [PreprocessingConfig]()
        var c = base; c.sampleRate = 48000; variants.append(c)
        c = base; c.channels = .mean; variants.append(c)
        c = base; c.clip = ClipPolicy(length: 308_700, crop: .center); variants.append(c)
        c = base; c.cropSeed = 1; variants.append(c)
        c = base; c.stft.hop = 160; variants.append(c)
        c = base; c.mel.sampleRate = 44100; variants.append(c)
        c = base; c.mel.fMax = 14000.5; variants.append(c)
        c = base; c.compression = .decibels(amin: 1e-5, ref: 1); variants.append(c)
        c = base; c.blocks = FrameBlocks(frames: 100, hop: 50); variants.append(c)
        c = base; c.resampleRolloff = 0.95; variants.append(c)
        let prints = Set(variants.map(\.fingerprint) + [base.fingerprint])
        XCTAssertEqual(prints.count, variants.count + 1)
    }

    func testCodableRoundTrip() throws {
        for c in [PreprocessingConfig.pengi, .pengiClean, .aisfx] {
            let data = try JSONEncoder().encode(c)
            let back = try JSONDecoder().decode(PreprocessingConfig.self, from: data)
            XCTAssertEqual(back, c)
            XCTAssertEqual(back.fingerprint, c.fingerprint)
        }
    }

    /// Bad parameters are reported as errors, not crashes.
    func testInvalidConfigIsAnError() {
        XCTAssertNil(PreprocessingConfig.pengi.problem)
        XCTAssertNil(PreprocessingConfig.aisfx.problem)
        var c = PreprocessingConfig.pengi
        c.stft.hop = 0
        XCTAssertNotNil(c.problem)
        let path = GoldenFixtures.path("sonicpi_tabla_ghe2_44k_mono.flac")
        XCTAssertThrowsError(try Preprocessor(config: c).features(path: path)) { error in
            guard case .invalidParameter(let p, let reason)? = error as? AudioError else { return XCTFail("\(error)") }
            XCTAssertEqual(p, path)
            XCTAssertTrue(reason.contains("hop"), reason)
        }
        c = .pengi
        c.mel.fMin = 20000
        XCTAssertNotNil(c.problem)
    }
}
