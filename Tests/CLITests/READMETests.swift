import Foundation
import Prompting
import TestSupport
import XCTest

/// The README's method table is the learner registry's own (`palm methods --markdown`), so the
/// documentation cannot drift from the code.
final class READMETests: XCTestCase {
    func testMethodTableIsTheRegistry() throws {
        let readme = try String(contentsOf: Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md"), encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: "<!-- methods -->\n"), "README.md has no <!-- methods --> block")
        let end = try XCTUnwrap(readme.range(of: "<!-- /methods -->", range: start.upperBound..<readme.endIndex))
        XCTAssertEqual(String(readme[start.upperBound..<end.lowerBound]), LearnerRegistry.markdownTable(),
                       "README.md's method table is stale: paste the output of `palm methods --markdown` between the markers")
    }
}
