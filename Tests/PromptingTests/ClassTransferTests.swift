import Foundation
import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// Every learner carried over to another class list: trained classes score as before, and
/// each method with per-class parameters names what it does for a class it never saw.
final class ClassTransferTests: XCTestCase {
    static let trained = ["dog", "rain", "siren"]
    /// "rain" and "dog" again, in another order, and a novel "engine".
    static let target = ["rain", "engine", "dog"]

    /// The methods with parameters per class: exactly these name a fallback.
    static let perClass: Set<String> = ["palm", "palm-dagger", "coop:csc=true", "palm+coop", "palm+cocoop", "linear-probe", "tip-adapter",
                                        "tip-adapter-f", "palm+cocoop-dagger"]

    func testEveryMethodKeepsItsTrainedClassesAndNamesItsFallback() throws {
        let model = try CoOpFixture.model()
        var g = SeededGenerator(seed: 9)
        let audio = Tensor.normal([4, model.dimension], generator: &g)
        let training = try FeatureSet(features: Tensor.normal([6, model.dimension], generator: &g), labels: [0, 1, 2, 0, 1, 2],
                                      classNames: Self.trained)
        for name in LearnerRegistry.kinds.map(\.name) + ["coop:csc=true"] {
            let spec = try MethodSpec(name)
            let learner = try spec.makeLearner(model: model, classNames: Self.trained, seed: 3)
            try learner.prepare(training: training)
            // Parameters as training leaves them: anything but their initial values.
            for (_, p) in learner.parameters { for i in 0..<p.count { p.pointer[i] += 0.01 * Float(i % 7) } }
            let transfer: ClassTransfer
            do { transfer = try learner.transferred(to: Self.target, model: model) } catch {
                XCTFail("\(name): \(error)")
                continue
            }
            XCTAssertEqual(transfer.novelClasses, ["engine"], name)
            XCTAssertEqual(transfer.fallback != nil, Self.perClass.contains(name), "\(name): fallback \(transfer.fallback ?? "none")")
            if let fallback = transfer.fallback { XCTAssertTrue(fallback.contains("novel"), "\(name): \(fallback)") }
            let before = try learner.logits(audio), after = try transfer.learner.logits(audio)
            XCTAssertEqual(after.shape, [4, 3])
            var worst: Float = 0
            for b in 0..<4 {
                for (new, old) in [(0, 1), (2, 0)] {
                    worst = max(worst, abs(after.pointer[b * 3 + new] - before.pointer[b * 3 + old]))
                }
            }
            print("\(name): trained classes after transfer, max |diff| \(worst); fallback: \(transfer.fallback ?? "-")")
            XCTAssertLessThan(worst, 2e-3, "\(name): a trained class scores as before the transfer")
            // The same class list is the learner itself, novel nothing.
            let same = try learner.transferred(to: Self.trained, model: model)
            XCTAssertEqual(same.novelClasses, [])
            XCTAssertNil(same.fallback)
        }
    }

    /// The fallbacks compute what they say.
    func testFallbacksComputeWhatTheyName() throws {
        let model = try CoOpFixture.model()
        var g = SeededGenerator(seed: 10)
        let audio = Tensor.normal([3, model.dimension], generator: &g)
        let a = try audio.l2Normalized()
        func column(_ t: Tensor, _ c: Int) -> [Float] { (0..<t.shape[0]).map { t.pointer[$0 * t.shape[1] + c] } }
        func close(_ x: [Float], _ y: [Float], _ what: String) {
            XCTAssertEqual(x.count, y.count)
            let worst = zip(x, y).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(worst, 2e-3, "\(what): max |diff| \(worst)")
        }
        // PALM: the novel class's logit is 100 cos(a, t_hat) of its bare name (lambda = 0).
        let palm = try MethodSpec("palm").makeLearner(model: model, classNames: Self.trained, seed: 1)
        let plain = try model.embedText(["engine"]).l2Normalized()
        close(column(try palm.transferred(to: Self.target, model: model).learner.logits(audio), 1),
              column(try a.matmul(plain.T) * 100, 0), "PALM's novel class")
        // PALM-dagger: the same, the text feature standing in for z.
        let dagger = try MethodSpec("palm-dagger").makeLearner(model: model, classNames: Self.trained, seed: 1)
        close(column(try dagger.transferred(to: Self.target, model: model).learner.logits(audio), 1),
              column(try a.matmul(plain.T) * 100, 0), "PALM-dagger's novel class")
        // Linear probe: never predicted.
        let probe = try MethodSpec("linear-probe").makeLearner(model: model, classNames: Self.trained, seed: 1)
        XCTAssertEqual(column(try probe.transferred(to: Self.target, model: model).learner.logits(audio), 1), [-.infinity, -.infinity, -.infinity])
        // Tip-Adapter: the zero-shot logit alone for the novel class.
        let tip = try MethodSpec("tip-adapter").makeLearner(model: model, classNames: Self.trained, seed: 0)
        try tip.prepare(training: try FeatureSet(features: Tensor.normal([3, model.dimension], generator: &g), labels: [0, 1, 2],
                                                classNames: Self.trained))
        let zeroShot = try ZeroShotLearner(model: model, classNames: ["engine"]).logits(audio)
        close(column(try tip.transferred(to: Self.target, model: model).learner.logits(audio), 1), column(zeroShot, 0), "Tip-Adapter's novel class")
        // A script's custom learner cannot transfer, and says so.
        let custom = CustomLearner(classNames: Self.trained, dimension: model.dimension, parameters: []) { try $0.matmul(Tensor.zeros([model.dimension, 3])) }
        XCTAssertThrowsError(try custom.transferred(to: Self.target, model: model)) { XCTAssertTrue("\($0)".contains("custom"), "\($0)") }
    }

    /// Class names match byte for byte: an NFD spelling of a trained NFC name is novel.
    func testNamesMatchByteForByte() throws {
        let model = try CoOpFixture.model()
        let nfc = "caf\u{E9}", nfd = "cafe\u{301}"
        let palm = try MethodSpec("palm").makeLearner(model: model, classNames: [nfc, "rain"], seed: 1)
        XCTAssertEqual(try palm.transferred(to: [nfd, "rain"], model: model).novelClasses, [nfd])
    }
}
