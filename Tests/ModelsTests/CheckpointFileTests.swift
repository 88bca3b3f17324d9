import Foundation
import XCTest
import Models

/// `CheckpointFile.open` picks the reader from the content.
final class CheckpointFileTests: XCTestCase {
    func testOpensEachFormatByContent() throws {
        XCTAssertTrue(try CheckpointFile.open(ModelsFixtures.path("checkpoints/dtypes.pth")) is PyTorchCheckpoint)
        XCTAssertTrue(try CheckpointFile.open(ModelsFixtures.path("checkpoints/dtypes.expected.safetensors")) is SafeTensorsFile)
        XCTAssertThrowsError(try CheckpointFile.open(ModelsFixtures.path("checkpoints/legacy-format.pth"))) { e in
            XCTAssertTrue("\(e)".contains("legacy"), "\(e)")
        }
        XCTAssertThrowsError(try CheckpointFile.open("/nonexistent/x.pth")) { e in
            XCTAssertTrue("\(e)".contains("/nonexistent/x.pth"), "\(e)")
        }
    }
}
