import Foundation
import Models
import Prompting
import TestSupport
import XCTest

/// The architecture, checked on the source tree: the language core knows only the engine, and
/// learner and model kinds are named only where the registries declare them.
final class LayeringTests: XCTestCase {
    static let sources = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")

    /// `(path relative to Sources/, text)` of every Swift file under `folder`.
    static func swiftFiles(under folder: String = "") throws -> [(path: String, text: String)] {
        let root = sources.appendingPathComponent(folder)
        let paths = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        return try paths.sorted().map { ((folder.isEmpty ? "" : folder + "/") + $0, try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)) }
    }

    func testScriptCoreImportsOnlyTheEngine() throws {
        let allowed: Set<String> = ["Foundation", "Support", "Tensor"]
        let files = try Self.swiftFiles(under: "ScriptCore")
        XCTAssertGreaterThan(files.count, 10)
        for (path, text) in files {
            for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@preconcurrency import ") {
                let module = line.split(separator: " ").last.map(String.init) ?? ""
                XCTAssertTrue(allowed.contains(module), "\(path) imports \(module): ScriptCore may import only \(allowed.sorted())")
            }
        }
    }

    /// A string literal that is a learner's or a model kind's name (or starts a spec with it,
    /// `"coop:..."`) may appear only in the registries and in the files that declare the kinds:
    /// anywhere else it is a second list, or a special case, that the registry should carry.
    func testKindsAreNamedOnlyWhereDeclared() throws {
        var names: [String: String] = [:]  // spelling -> what it names
        for k in LearnerRegistry.kinds { for s in k.spellings { names[s] = "learner \(k.name)" } }
        for k in ModelRegistry.kinds { names[k.name] = "model kind \(k.name)" }
        // "palm" is also the tool's own name (the command, readline's application name) and
        // the reference-layout prefix of dataset names (`palm:ESC50`): too common to police.
        names["palm"] = nil
        // Where kinds are declared: the registries, each learner's file, each model's folder,
        // and the front-end presets that share a model's name ("pengi", "aisfx").
        let allowed = ["Prompting/Registry/", "Prompting/Learners/", "Models/ALM/ModelSpec.swift", "Models/PENGI/", "Models/Demo/",
                       "Models/MiniLM/", "Models/AISFX/", "Models/MSCLAP/", "Models/LAIONCLAP/", "Audio/PreprocessingConfig+Presets.swift"]
        // Benchmark suites are named for what they measure ("pengi": PENGI's encoders).
        let allowedLiterals: Set<String> = ["Benchmarks/BenchmarkSuite.swift|pengi"]
        let literal = try NSRegularExpression(pattern: #""((?:[^"\\\n]|\\.)*)""#)
        var violations: [String] = []
        for (path, text) in try Self.swiftFiles() where !allowed.contains(where: { path.hasPrefix($0) }) {
            var inBlockString = false
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                // Multi-line string literals are prose (help texts and their examples).
                if trimmed.components(separatedBy: "\"\"\"").count % 2 == 0 { inBlockString.toggle(); continue }
                if inBlockString || trimmed.hasPrefix("//") { continue }
                let s = String(line)
                for m in literal.matches(in: s, range: NSRange(s.startIndex..., in: s)) {
                    let value = String(s[Range(m.range(at: 1), in: s)!])
                    let head = String(value.prefix { $0 != ":" })
                    guard let what = names[head], value == head || value.hasPrefix(head + ":") else { continue }
                    if allowedLiterals.contains("\(path)|\(value)") { continue }
                    violations.append("\(path):\(n + 1): \"\(value)\" names \(what)")
                }
            }
        }
        XCTAssertEqual(violations, [], "learner and model names outside their registries:\n" + violations.joined(separator: "\n"))
    }
}
