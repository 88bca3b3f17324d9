import Bindings
import CLI
import Datasets
import Foundation
import Models
import Prompting
import ScriptCore
import Tensor
import TestSupport
import XCTest

/// Every learner and model kind in the registries works under its one canonical name from the
/// command line, from a method spec and from a script, and `help` documents it: the registries
/// are the only lists, so this walks them rather than a list of its own.
final class RegistryTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        Bindings.register()  // as the palm executable does at start-up
    }

    static let classes = ToyAudioDataset.classes

    /// A tiny three-class `folder` dataset of tones and noise (train/ and test/).
    static func makeDataset(in dir: TemporaryDirectory) throws -> String { try ToyAudioDataset.write(in: dir) }

    /// Each kind: every spelling parses to the canonical name, the learner it makes reports
    /// that name, and its declared parameter count is the learner's.
    func testEveryLearnerFromAMethodSpec() throws {
        let model = try ModelSpec.load("pengi-random:tiny")
        let shape = LearnerShape(classes: Self.classes.count, dimension: model.dimension, tokenWidth: model.tokenWidth, trainingClips: 6)
        var g = SeededGenerator(seed: 1)
        let train = try FeatureSet(features: Tensor.normal([6, model.dimension], generator: &g), labels: [0, 1, 2, 0, 1, 2], classNames: Self.classes)
        XCTAssertEqual(Set(LearnerRegistry.names).count, LearnerRegistry.kinds.count, "canonical names are unique")
        var seen: [String: String] = [:]
        for kind in LearnerRegistry.kinds {
            for spelling in kind.spellings {
                XCTAssertNil(seen[spelling], "'\(spelling)' names both \(seen[spelling] ?? "") and \(kind.name)")
                seen[spelling] = kind.name
                XCTAssertEqual(try MethodSpec(spelling).name, kind.name, spelling)
                XCTAssertEqual(try MethodSpec(spelling.uppercased()).name, kind.name, "names are case-insensitive")
            }
            // Every setting is accepted with its default, in the canonical spelling and each alias.
            for s in kind.settings {
                for key in [s.key] + s.aliases {
                    guard let d = s.defaultValue else { continue }
                    XCTAssertEqual(try MethodSpec("\(kind.name):\(key)=\(d)").settings.first?.key, s.key, "\(kind.name):\(key)")
                }
            }
            let learner = try MethodSpec(kind.name).makeLearner(model: model, classNames: Self.classes, seed: 0)
            XCTAssertEqual(learner.method, kind.name)
            try learner.prepare(training: train)
            XCTAssertEqual(kind.parameterCount(shape, Settings(kind.settings)), learner.parameterCount,
                           "\(kind.name): the declared \(kind.parameterFormula) is not the learner's count")
        }
    }

    /// Each kind through its script shortcut and through `learner("spelling", ...)`, and `help`.
    func testEveryLearnerFromAScriptAndHelp() throws {
        let interp = Interpreter()
        try interp.run("m = pengi_random()\nc = [\"hum\", \"chirp\", \"hiss\"]")
        XCTAssertEqual(try interp.run("methods()")?.repr, "[" + LearnerRegistry.names.map { "\"\($0)\"" }.joined(separator: ", ") + "]")
        for kind in LearnerRegistry.kinds {
            XCTAssertEqual(try interp.run("\(kind.scriptName)(m, c).method")?.displayString, kind.name, kind.scriptName)
            for spelling in kind.spellings {
                XCTAssertEqual(try interp.run("learner(\"\(spelling)\", m, c).method")?.displayString, kind.name, spelling)
            }
            let help = interp.helpText(topic: kind.scriptName)
            XCTAssertTrue(help.contains(kind.summary), "help(\(kind.scriptName)) lacks the summary:\n\(help)")
            for s in kind.settings { XCTAssertTrue(help.contains(s.key) && help.contains(s.doc), "help(\(kind.scriptName)) lacks \(s.key)") }
            XCTAssertEqual(help.contains("seed"), kind.usesSeed, "\(kind.scriptName): a seed parameter exactly when the method uses one")
            XCTAssertTrue(interp.helpText(topic: "learning").contains(kind.scriptName), "the learning topic lists \(kind.scriptName)")
        }
        // Settings and their aliases as keywords, checked by the same declarations as specs.
        XCTAssertEqual(try interp.run("coop(m, c, n_ctx: 2, class_specific: true).params")?.repr, "192")
        XCTAssertThrowsError(try interp.run("coop(m, c, csc: true, class_specific: true)")) { XCTAssertTrue("\($0)".contains("argument 'csc' given twice"), "\($0)") }
        XCTAssertThrowsError(try interp.run("zeroshot(m, c, templates: [\"no placeholder\"])")) { XCTAssertTrue("\($0)".contains("neither a name"), "\($0)") }
    }

    /// Every learner through `palm experiment` itself (in-process): one grid over all of them,
    /// each result under its canonical name, seedless methods once.
    func testEveryLearnerFromTheCommandLine() throws {
        let dir = try TemporaryDirectory("palm-registry")
        let data = try Self.makeDataset(in: dir)
        let methods = LearnerRegistry.kinds.map { $0.aliases.first ?? $0.name }.joined(separator: ",")
        let command = try Experiment.parse(["--model", "pengi-random:tiny", "--dataset", "folder:\(data)", "--methods", methods,
                                            "--seeds", "0,1", "--shots", "2", "--epochs", "1", "--out", dir.file("out"), "--cache", dir.file("cache")])
        try command.run()
        let records = try JSONDecoder().decode([ExperimentRecord].self, from: Data(contentsOf: URL(fileURLWithPath: dir.file("out/results.json"))))
        for kind in LearnerRegistry.kinds {
            let mine = records.filter { $0.method == kind.name }
            XCTAssertEqual(mine.map(\.seed), kind.usesSeed ? [0, 1] : [0], kind.name)
        }
        XCTAssertEqual(records.count, LearnerRegistry.kinds.reduce(0) { $0 + ($1.usesSeed ? 2 : 1) })
        // Every test clip of every cell, and the report with a confusion matrix per method.
        let predictions = try String(contentsOfFile: dir.file("out/predictions.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(predictions.count, 1 + records.count * Self.classes.count)
        let report = try String(contentsOfFile: dir.file("out/report.html"), encoding: .utf8)
        XCTAssertEqual(report.components(separatedBy: "<svg").count - 1, 1 + LearnerRegistry.kinds.count, "a bar chart and one confusion matrix per method")
    }

    /// Every model kind: its form parses back to it, its builtin (if any) is documented, and the
    /// errors name the spec.
    func testEveryModelKind() throws {
        let interp = Interpreter()
        XCTAssertEqual(Set(ModelRegistry.kinds.map(\.name)).count, ModelRegistry.kinds.count)
        for kind in ModelRegistry.kinds {
            XCTAssertEqual(try ModelRegistry.kind(named: kind.name).name, kind.name)
            let required = kind.arguments.filter { $0.positional && $0.defaultValue == nil }
            let spec = ([kind.name] + required.map { _ in "/some/file" }).joined(separator: ":")
            XCTAssertEqual(try ModelSpec(spec).kind.name, kind.name, spec)
            XCTAssertEqual(try ModelSpec(spec).description, spec, "canonical text of \(spec)")
            if let name = kind.builtin {
                let help = interp.helpText(topic: name)
                XCTAssertTrue(help.contains(kind.form), "help(\(name)) names the spec form:\n\(help)")
                for a in kind.arguments { XCTAssertTrue(help.contains(a.name), "help(\(name)) lacks \(a.name)") }
            }
            XCTAssertTrue(interp.helpText(topic: "model").contains(kind.form), "help(model) lists \(kind.form)")
        }
        XCTAssertEqual(try ModelSpec("pengi-random:base:3").description, "pengi-random:base:3")
        XCTAssertEqual(try ModelSpec("pengi-random:tiny:0").description, "pengi-random", "defaults are dropped")
        XCTAssertThrowsError(try ModelSpec("pengi")) { XCTAssertTrue("\($0)".contains("expected pengi:PATH"), "\($0)") }
        XCTAssertThrowsError(try ModelSpec("pengi-random:huge")) { XCTAssertTrue("\($0)".contains("size must be one of tiny, base"), "\($0)") }
        XCTAssertThrowsError(try ModelSpec("pengi-random:tiny:x")) { XCTAssertTrue("\($0)".contains("seed must be a non-negative integer"), "\($0)") }
        XCTAssertThrowsError(try ModelSpec("pengi-randon:tiny")) { XCTAssertTrue("\($0)".contains("unknown model spec 'pengi-randon:tiny' (did you mean 'pengi-random'?)"), "\($0)") }
        // The script builtin and the spec load the same model.
        try interp.run("a = pengi_random(seed: 3)\nb = model(\"pengi-random:tiny:3\")")
        XCTAssertEqual(try interp.run("a.fingerprint == b.fingerprint")?.repr, "true")
        XCTAssertEqual(try interp.run("a.spec")?.displayString, "pengi-random:tiny:3")
    }
}
