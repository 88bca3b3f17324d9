import Foundation
import XCTest
import Bindings
import REPL
import Reports
import ScriptCore

/// The language test suite (Crafting Interpreters style): every `.palm` file under
/// `scripts/` runs in a fresh interpreter, and its output must equal, line for line, the
/// `# expect: ...` comments in the file. A `# expect error: message` comment expects the run to
/// stop with an error whose message is `message`, raised on that comment's line.
///
/// Binding scripts (`bindings_*.palm`) run on a tiny random PENGI (`pengi_random()`) and the
/// tiny dataset `ScriptFixtures` writes; they find it with `env("PALM_TEST_DATA")`.
final class LanguageTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        Bindings.register()  // as the palm executable does at start-up
    }

    static let scriptsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("scripts")

    static func scriptPaths() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: scriptsDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "palm" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The expected transcript of a script, from its comments.
    static func expectations(_ text: String) -> [String] {
        var out: [String] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let r = line.range(of: "# expect error: ") {
                out.append("[line \(i + 1)] error: " + line[r.upperBound...])
            } else if let r = line.range(of: "# expect: ") {
                out.append(String(line[r.upperBound...]))
            }
        }
        return out
    }

    /// Runs a script and returns its transcript: printed lines, then the error if any.
    static func transcript(_ text: String, name: String) -> [String] {
        let interp = Interpreter()
        var out: [String] = []
        interp.output = { out.append(contentsOf: $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)) }
        do {
            try interp.run(text, name: name)
        } catch let e as ScriptError {
            out.append("[line \(e.location?.line ?? 0)] error: \(e.message)")
        } catch {
            out.append("[line 0] error: \(error)")
        }
        return out
    }

    func testScripts() throws {
        ScriptFixtures.prepare()
        let paths = try Self.scriptPaths()
        XCTAssertGreaterThan(paths.count, 10, "the language suite lost its scripts")
        var expectationCount = 0
        for path in paths {
            let text = try String(contentsOf: path, encoding: .utf8)
            let expected = Self.expectations(text)
            XCTAssertFalse(expected.isEmpty, "\(path.lastPathComponent) has no expectations")
            expectationCount += expected.count
            let actual = Self.transcript(text, name: path.lastPathComponent)
            if actual != expected {
                var diff = ""
                for i in 0..<max(actual.count, expected.count) {
                    let e = i < expected.count ? expected[i] : "<nothing>"
                    let a = i < actual.count ? actual[i] : "<nothing>"
                    diff += (e == a ? "   " : " ! ") + "expected: \(e)\n" + (e == a ? "" : "   actual:   \(a)\n")
                }
                XCTFail("\(path.lastPathComponent):\n\(diff)")
            }
        }
        print("LanguageTests: \(paths.count) scripts, \(expectationCount) expectations")
    }

    /// The runner itself must be able to fail: a wrong expectation is caught.
    func testRunnerDetectsMismatch() {
        let text = "print(1 + 1)  # expect: 3\n"
        XCTAssertNotEqual(Self.transcript(text, name: "t"), Self.expectations(text))
        let err = "x = 1\ny = x + nope  # expect error: unknown name 'nope'\n"
        XCTAssertEqual(Self.transcript(err, name: "t"), Self.expectations(err))
    }
}
