import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// Every learner on every model family: each `-random` kind in the model registry (tiny, seeded
/// weights; the real architectures) is walked, so a family added to the registry is covered
/// here without a list of its own.
final class EveryModelTests: XCTestCase {
    /// The tiny random model of each family.
    static func models() throws -> [AudioLanguageModel] {
        let kinds = ModelRegistry.kinds.filter { $0.name.hasSuffix("-random") }
        XCTAssertGreaterThanOrEqual(kinds.count, 1)
        return try kinds.map { try ModelSpec.load("\($0.name):tiny") }
    }

    static let classes = ["dog barking", "rain on a roof", "church bells"]

    /// The token-level entry (what CoOp and CoCoOp train through) gives the plain text path's
    /// features, with each tower's own specials and pooling. The 40 prompts of 1 to ~20 words
    /// make the causal towers' plain path run them in several length buckets.
    func testTokenLevelEntryEqualsPlainText() throws {
        let templates = ["This is a recording of {}.", "{}", "a sound of {} heard from far away in a large empty hall at night", "{} {} {}"]
        let names = Self.classes + ["a", "wind", "a very long and winding description of a kettle", "ice", "footsteps on gravel", "x", "bells"]
        let prompts = templates.flatMap { t in names.map { t.replacingOccurrences(of: "{}", with: $0) } }
        for model in try Self.models() {
            let plain = try model.embedText(prompts)
            let tokens = try model.tokenize(prompts)
            let viaTokens = try GradMode.withoutGrad { try model.textFeatures(tokenEmbeddings: model.tokenEmbeddings(tokens), tokens: tokens) }
            XCTAssertEqual(plain.shape, [prompts.count, model.dimension], model.name)
            let diff = zip(plain.toArray(), viaTokens.toArray()).map { abs($0 - $1) }.max() ?? .nan
            print("\(model.name): token-level entry vs plain text, max |diff| = \(diff)")
            XCTAssertLessThanOrEqual(diff, 1e-4, model.name)
        }
    }

    /// CoOp's context initialised from the words of the zero-shot template ("This is a recording
    /// of") builds the same prompts as the template itself: where the context starts (after the
    /// tower's start token, or at 0 for GPT-2) and where the pooled token sits are right.
    func testCoOpFromTheTemplateWordsIsZeroShot() throws {
        for model in try Self.models() {
            let prompts = try ContextPrompts(model: model, classNames: Self.classes, initWords: "This is a recording of")
            let learned = try GradMode.withoutGrad { try prompts.textFeatures() }.l2Normalized(axis: -1)
            let template = try model.embedText(Self.classes.map { "This is a recording of \($0)." }).l2Normalized(axis: -1)
            let diff = zip(learned.toArray(), template.toArray()).map { abs($0 - $1) }.max() ?? .nan
            print("\(model.name): CoOp from the template's words vs zero-shot, max |diff| = \(diff)")
            XCTAssertLessThanOrEqual(diff, 1e-4, "\(model.name): context at the wrong place or pooled at the wrong token")
        }
    }

    /// CoOp and CoCoOp send their prompts as a shared prefix (start token and context) and the
    /// class rest; causal towers run the prefix once per group. Features and gradients (context,
    /// CoCoOp's shift) equal the whole prompts', with every activation kept and with every
    /// layer checkpointed.
    func testSharedPrefixPromptsEqualWholePrompts() throws {
        for model in try Self.models() {
            let prompts = try ContextPrompts(model: model, classNames: Self.classes, nCtx: 4, seed: 3)
            var g = SeededGenerator(seed: 4)
            let shift = Tensor.normal([2, model.tokenWidth], std: 0.1, generator: &g).requiringGrad()
            let weights = Tensor.normal([2 * Self.classes.count, model.dimension], generator: &g)
            func run(shared: Bool, budget: Int) throws -> [Float] {
                let saved = CausalTransformer.activationBudgetBytes
                CausalTransformer.activationBudgetBytes = budget
                defer { CausalTransformer.activationBudgetBytes = saved }
                prompts.context.zeroGrad(); shift.zeroGrad()
                let features = shared ? try prompts.textFeatures(shift: shift)
                    : try model.textFeatures(tokenEmbeddings: prompts.promptEmbeddings(shift: shift), tokens: prompts.tokens.repeated(2))
                try (features * weights).sum().backward()
                return features.toArray() + (prompts.context.grad?.toArray() ?? []) + (shift.grad?.toArray() ?? [])
            }
            let whole = try run(shared: false, budget: .max)
            XCTAssertGreaterThan(whole.count, 2 * Self.classes.count * model.dimension, "\(model.name): gradients missing")
            for budget in [Int.max, 0] {
                let shared = try run(shared: true, budget: budget)
                XCTAssertEqual(shared.count, whole.count, model.name)
                let diff = zip(shared, whole).map { abs($0 - $1) }.max() ?? .nan
                let scale = whole.map(abs).max() ?? 0
                print("\(model.name): shared-prefix prompts vs whole prompts (budget \(budget == 0 ? "0" : "max")), max |diff| = \(diff) of \(scale)")
                XCTAssertLessThanOrEqual(diff, 1e-5 * max(1, scale), model.name)
            }
        }
    }

    /// Every registered learner prepares, trains one epoch and gives finite logits on each model.
    func testEveryLearnerTrainsOnEveryModel() throws {
        var options = TrainingOptions()
        options.epochs = 1
        options.batchSize = 6
        for model in try Self.models() {
            var g = SeededGenerator(seed: 2)
            let train = try FeatureSet(features: Tensor.normal([6, model.dimension], generator: &g), labels: [0, 1, 2, 0, 1, 2],
                                       classNames: Self.classes)
            for kind in LearnerRegistry.kinds {
                let learner = try MethodSpec(kind.name).makeLearner(model: model, classNames: Self.classes, seed: 0)
                try Trainer(options: options).fit(learner, on: train)
                let logits = try GradMode.withoutGrad { try learner.logits(train.features) }
                XCTAssertEqual(logits.shape, [6, 3], "\(model.name) \(kind.name)")
                XCTAssertTrue(logits.toArray().allSatisfy(\.isFinite), "\(model.name) \(kind.name): non-finite logits")
            }
        }
    }
}
