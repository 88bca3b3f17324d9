import XCTest
import Audio

final class ConfigTests: XCTestCase {
    func testPengiPresetShape() {
        XCTAssertEqual(PreprocessingConfig.pengi.stft.frameCount(308_700), 965)
        XCTAssertEqual(PreprocessingConfig.pengi.mel.nMels, 64)
    }
}
