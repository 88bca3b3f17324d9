import Audio
import XCTest

final class MelFilterbankTests: XCTestCase {
    /// librosa.filters.mel(sr=32000, n_fft=1024, n_mels=64, fmin=50, fmax=14000) (slaney, slaney
    /// norm), float32. Same float64 construction and rounding: expected within 1 float32 ulp of
    /// the largest weight (~1e-9 here); asserted <= 1e-8.
    func testPengiSlaneyMatchesLibrosa() throws {
        let fb = MelFilterbank(config: PreprocessingConfig.pengi.mel, nFFT: 1024)
        let expected = try GoldenFixtures.floats("mel_pengi.f32")
        let d = maxAbsDiff(fb.weights, expected)
        print("mel filterbank pengi (64 x 513): max |diff| = \(d), max weight = \(expected.max()!)")
        XCTAssertLessThanOrEqual(d, 1e-8)
    }

    /// librosa.filters.mel(sr=44100, n_fft=2048, n_mels=96, fmin=0, fmax=22050, htk=True, norm=1).
    func testAisfxHTKUnitSumMatchesLibrosa() throws {
        let fb = MelFilterbank(config: PreprocessingConfig.aisfx.mel, nFFT: 2048)
        let expected = try GoldenFixtures.floats("mel_aisfx.f32")
        let d = maxAbsDiff(fb.weights, expected)
        print("mel filterbank aisfx (96 x 1025): max |diff| = \(d), max weight = \(expected.max()!)")
        XCTAssertLessThanOrEqual(d, 1e-7)
    }

    func testScalesRoundTrip() {
        for scale in [MelScale.slaney, .htk] {
            for hz in [0.0, 50, 999, 1000, 1001, 8000, 22050] {
                XCTAssertEqual(scale.hz(mel: scale.mel(hz: hz)), hz, accuracy: 1e-9 * max(1, hz))
            }
        }
        XCTAssertEqual(MelScale.slaney.mel(hz: 1000), 15, accuracy: 1e-12)
    }
}
