import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// Method names with settings (`coop:n_ctx=4,batch=160`): parsing, the errors, and that the
/// settings reach the learner and its training options.
final class MethodSpecTests: XCTestCase {
    func testParsesAndAppliesSettings() throws {
        let s = try MethodSpec("CoOp:n_ctx=4, batch=160,lr=0.01,position=front,csc=true")
        XCTAssertEqual(s.name, "coop")
        XCTAssertEqual(s.description, "coop:n_ctx=4,batch=160,lr=0.01,position=front,csc=true")
        let o = s.trainingOptions(epochs: 7)
        XCTAssertEqual(o.batchSize, 160)
        XCTAssertEqual(o.learningRate, 0.01)
        XCTAssertEqual(o.epochs, 7, "a grid-wide epoch count applies when the spec sets none")
        XCTAssertEqual(try MethodSpec("coop:epochs=3").trainingOptions(epochs: 7).epochs, 3, "the spec's own epochs win")
        XCTAssertEqual(try MethodSpec("palm").trainingOptions().epochs, 50)
        XCTAssertEqual(try MethodSpec("tip-adapter-f").trainingOptions(epochs: 7).epochs, 20, "Tip-Adapter-F keeps its own recipe's epochs")
        XCTAssertEqual(try MethodSpec("zero-shot").name, "zeroshot")
        XCTAssertEqual(s.learnerSettings.int("n_ctx"), 4)
        XCTAssertEqual(s.learnerSettings.text("position"), "front")
        XCTAssertTrue(s.learnerSettings.flag("csc"))
        XCTAssertEqual(try MethodSpec("palm_dagger").description, "palm-dagger", "aliases are stored in the canonical spelling")
        XCTAssertEqual(try MethodSpec("coop:class_specific=true").description, "coop:csc=true")

        let model = try CoOpFixture.model()
        let learner = try XCTUnwrap(LearnerRegistry.make("cocoop:n_ctx=3", model: model, classNames: ["dog", "rain"], seed: 0) as? CoOpLearner)
        XCTAssertEqual(learner.prompts.nCtx, 3)
        XCTAssertNotNil(learner.metaNet)
        let words = try XCTUnwrap(LearnerRegistry.make("coop:init=a recording of", model: model, classNames: ["dog"], seed: 0) as? CoOpLearner)
        XCTAssertEqual(words.prompts.nCtx, 3, "n_ctx becomes the initial words' token count")
    }

    func testErrorsNameTheSetting() {
        func message(_ text: String) -> String {
            do { _ = try MethodSpec(text); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(message("coop:nctx=4").contains("unknown setting 'nctx'"))
        XCTAssertTrue(message("palm:n_ctx=4").contains("'n_ctx' applies only to"))
        XCTAssertTrue(message("coop:n_ctx=0").contains("n_ctx must be a positive integer, found '0'"))
        XCTAssertTrue(message("coop:batch").contains("expected key=value"))
        XCTAssertTrue(message("coop:position=left").contains("position must be end, middle or front"))
        XCTAssertTrue(message("coop:optimizer=adam").contains("optimizer must be sgd or adamw"))
        XCTAssertTrue(message("coopp").contains("unknown method 'coopp'"))
    }

    /// A grid with a variant: the full spec names its results, apart from the plain method.
    func testGridKeepsVariantsApart() throws {
        let model = try CoOpFixture.model()
        var g = SeededGenerator(seed: 2)
        let x = Tensor.normal([8, model.dimension], generator: &g)
        let set = try FeatureSet(features: x, labels: [0, 1, 0, 1, 0, 1, 0, 1], classNames: ["dog", "rain"])
        let data = StaticExperimentData(name: "toy", classNames: ["dog", "rain"], train: set, test: set)
        let grid = ExperimentGrid(model: model, datasets: [data], methods: ["coop", "coop:n_ctx=2,epochs=1"], seeds: [0], shots: 0, epochs: 2)
        let records = try grid.run().records
        XCTAssertEqual(records.map(\.method), ["coop", "coop:n_ctx=2,epochs=1"])
        XCTAssertThrowsError(try ExperimentGrid(model: model, datasets: [data], methods: ["coop:n_ctx=x"], seeds: [0], shots: 0).run())
    }
}

/// Fixed features as an experiment's data (one split, no sampling).
struct StaticExperimentData: ExperimentData {
    let name: String
    let classNames: [String]
    let train: FeatureSet, test: FeatureSet
    var folds: [Int] { [0] }
    func features(fold: Int, shots: Int, seed: UInt64) throws -> (train: FeatureSet, test: FeatureSet) { (train, test) }
}

/// Evaluating on an empty test set is an error that says so (not an accuracy of 0).
final class EmptyEvaluationTests: XCTestCase {
    func testEmptyTestSetIsAnError() throws {
        let learner = LinearProbeLearner(classNames: ["a", "b"], dimension: 4, seed: 0)
        let empty = try FeatureSet(features: Tensor.zeros([0, 4]), labels: [], classNames: ["a", "b"])
        XCTAssertThrowsError(try Evaluator.evaluate(learner, on: empty)) { error in
            XCTAssertTrue("\(error)".contains("the test set is empty"), "\(error)")
        }
    }
}

/// Zero-shot prompts by name: the reference's (Table 2's zero-shot), Figure 2's eight and their
/// ensemble, literals with `{}` or `{c}`.
final class ZeroShotTemplateTests: XCTestCase {
    func testTemplatesByNameAndLiteral() throws {
        XCTAssertEqual(try PromptTemplate.resolve(["reference"]), ["The is a recording of  {}."])
        XCTAssertEqual(try PromptTemplate.resolve(["figure2"]).count, 8)
        XCTAssertEqual(try PromptTemplate.resolve(["figure2"]).first, "{}", "Figure 2's first template is the bare class name")
        XCTAssertEqual(PromptTemplate.fill("A {c} sound, {}.", "dog"), "A dog sound, dog.")
        XCTAssertThrowsError(try PromptTemplate.resolve(["no placeholder"])) { XCTAssertTrue("\($0)".contains("neither a name"), "\($0)") }
        // In a method spec (the CLI's --methods) under the alias `template`, stored canonically.
        let spec = try MethodSpec("zeroshot:template=reference")
        XCTAssertEqual(spec.description, "zeroshot:templates=reference")
        let model = try CoOpFixture.model()
        let learner = try XCTUnwrap(spec.makeLearner(model: model, classNames: ["dog", "rain"], seed: 0) as? ZeroShotLearner)
        XCTAssertEqual(learner.templates, ["The is a recording of  {}."])
        let ensemble = try XCTUnwrap(MethodSpec("zeroshot:templates=paper|reference").makeLearner(model: model, classNames: ["dog"], seed: 0) as? ZeroShotLearner)
        XCTAssertEqual(ensemble.templates, [PromptTemplate.paper, PromptTemplate.referenceLiteral])
    }
}
