import Audio
import Foundation
import Models
import Tensor
import TestSupport
import XCTest

/// A model read through another front-end shares its weights and embeds as a model built with
/// that front-end does.
final class WithPreprocessingTests: XCTestCase {
    func testPENGIWithAnotherFrontEndEqualsOneBuiltWithIt() throws {
        let dir = try TemporaryDirectory("palm-with-preprocessing")
        let wav = dir.file("tone.wav")
        try AudioWriter.write([(0..<44100).map { sinf(Float($0) * 0.05) * 0.4 }, (0..<44100).map { sinf(Float($0) * 0.07) * 0.3 }],
                              sampleRate: 44100, to: wav, format: .wav16)
        let config = PENGIConfig.tinyWithCLIPVocabulary
        let source = PENGIEncoders.randomSource(config: config, seed: 3)
        let model = try PENGIModel(source: source, config: config)
        let clean = try model.withPreprocessing(.pengiClean)
        let built = try PENGIModel(source: source, config: config, preprocessing: .pengiClean)
        XCTAssertEqual(clean.fingerprint, model.fingerprint, "the same weights")
        XCTAssertEqual(clean.preprocessing.fingerprint, PreprocessingConfig.pengiClean.fingerprint)
        XCTAssertNotEqual(clean.preprocessing.fingerprint, model.preprocessing.fingerprint)
        XCTAssertEqual(try clean.embedAudio(paths: [wav])[0].get(), try built.embedAudio(paths: [wav])[0].get())
        XCTAssertEqual(try model.embedAudio(paths: [wav])[0].get().count, model.dimension)
    }
}
