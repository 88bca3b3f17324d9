import Foundation
import Models
import Prompting
import Support
import Tensor

/// `palm bench prompting`: PALM trained for 50 epochs on cached ESC-50-sized features
/// (800 training clips, 50 classes, d = 1024), the paper's cheapest method at full scale.
enum PromptingBenchmark {
    static func run() throws {
        print("== prompting ==")
        let (classes, shots, d) = (50, 16, 1024)
        var g = SeededGenerator(seed: 1)
        let names = (0..<classes).map { "class \($0)" }
        let labels = (0..<classes).flatMap { Array(repeating: $0, count: shots) }
        let train = try FeatureSet(features: Tensor.normal([labels.count, d], generator: &g), labels: labels, classNames: names)
        let text = Tensor.normal([classes, d], generator: &g)
        // The learners on frozen features, built from fixed text features (no model needed).
        let learners: [() throws -> PromptLearner] = [
            { try PALMLearner(textFeatures: text, classNames: names) },
            { try PALMLearner(textFeatures: nil, classNames: names, dimension: d) },
            { LinearProbeLearner(classNames: names, dimension: d) },
        ]
        for make in learners {
            let method = try make().method
            let seconds = try Stopwatch.median(repeats: 3, warmup: 1) { try Trainer().fit(try make(), on: train) }
            print(String(format: "%-13@ 50 epochs, 800 clips x 50 classes x d 1024: %.3f s (%.1f ms/epoch)", method, seconds, seconds * 1000 / 50))
        }
    }
}

/// CoOp and CoCoOp training steps through PENGI's base text tower (random weights, the real
/// architecture and tokenizer) beside the same steps in PyTorch CPU when available. A step is
/// what the trainer does per batch of 16 clips: logits, cross-entropy, backward, SGD update.
enum PromptStepBenchmark {
    static func run(classes: [Int] = [10, 50], cocoopClasses: [Int] = [10, 50]) throws {
        print("== CoOp / CoCoOp steps (PENGI base text tower, random weights, batch 16) ==")
        let model = try PENGIModel(source: PENGIEncoders.randomSource(config: .pengiBase), config: .pengiBase)
        var g = SeededGenerator(seed: 3)
        let (coop, cocoop) = (CoOpLearner.coopKind.name, CoOpLearner.cocoopKind.name)
        var palm: [String: [Int: Double]] = [coop: [:], cocoop: [:]]
        for (method, counts) in [(coop, classes), (cocoop, cocoopClasses)] {
            for c in counts {
                let learner = try CoOpLearner(model: model, classNames: (0..<c).map { "class \($0)" }, conditional: method == cocoop)
                let audio = Tensor.normal([16, model.dimension], generator: &g)
                let labels = (0..<16).map { $0 % c }
                let sgd = SGD(parameters: learner.parameters.map(\.tensor), learningRate: 0.05, momentum: 0.9)
                let seconds = try Stopwatch.median(repeats: method == cocoop ? 1 : 3, warmup: 1) {
                    sgd.zeroGrad()
                    try learner.logits(audio).crossEntropy(targets: labels).backward()
                    sgd.step()
                }
                palm[method]![c] = seconds
                print(String(format: "  palm    %@ step, %2d classes: %.3f s (peak RSS so far %.0f MB)", method, c, seconds, ProcessClock.peakResidentMB()))
            }
        }
        let arguments = ["--classes", classes.map(String.init).joined(separator: ","),
                         "--cocoop-classes", cocoopClasses.map(String.init).joined(separator: ",")]
        guard let torch = PythonBaseline.run(script: "coop.py", arguments: arguments) else { return }
        for method in [coop, cocoop] {
            for (k, v) in ((torch[method] as? [String: Double]) ?? [:]).sorted(by: { Int($0.key)! < Int($1.key)! }) {
                let mine = palm[method]![Int(k)!] ?? .nan
                print(String(format: "  PyTorch %@ step, %2@ classes: %.3f s  (PyTorch / palm = %.2f)", method, k, v, v / mine))
            }
        }
    }
}

/// `palm bench training-cost`: the paper's Table 3 with time added. Every method on PENGI's
/// base architecture (random weights), ESC50-Actions-sized: 10 classes, 16 shots (10 batches
/// of 16 per epoch), d = 1024. Seconds per epoch = median seconds of a training step x 10
/// (the text-tower methods are too slow to run whole epochs in a benchmark). Peak memory is the
/// process's high-water mark after the method ran; methods run in order of growing memory, so
/// each figure bounds that method's peak.
enum TrainingCostBenchmark {
    static func run() throws {
        print("== training cost per method (PENGI base architecture, 10 classes x 16 shots, d 1024) ==")
        let model = try PENGIModel(source: PENGIEncoders.randomSource(config: .pengiBase), config: .pengiBase)
        let names = (0..<10).map { "class \($0)" }
        var g = SeededGenerator(seed: 4)
        let labels = (0..<10).flatMap { Array(repeating: $0, count: 16) }
        let train = try FeatureSet(features: Tensor.normal([160, 1024], generator: &g), labels: labels, classNames: names)
        print("| method | trainable parameters | ms / epoch | peak RSS after (MB) |")
        print("|---|---:|---:|---:|")
        // Methods that train through the text tower need far more memory: they run last, by size.
        let shape = LearnerShape(classes: names.count, dimension: model.dimension, tokenWidth: model.tokenWidth, trainingClips: train.count)
        let order = LearnerRegistry.kinds.enumerated().sorted { a, b in
            func key(_ k: LearnerKind, _ i: Int) -> (Int, Int) {
                k.textTowerOnTape ? (1, k.parameterCount(shape, Settings(k.settings))) : (0, i)
            }
            return key(a.element, a.offset) < key(b.element, b.offset)
        }.map(\.element)
        for kind in order {
            let method = kind.name
            let learner = try LearnerRegistry.make(method, model: model, classNames: names, seed: 0)
            try learner.prepare(training: train)
            let params = learner.parameters.map(\.tensor)
            let heavy = kind.textTowerOnTape
            var perEpoch = 0.0
            if !params.isEmpty {
                let sgd = SGD(parameters: params, learningRate: 0.05, momentum: 0.9)
                let batch = try train.subset(Array(0..<16).map { $0 * 10 })  // 16 clips, every class present
                let step = try Stopwatch.median(repeats: heavy ? 1 : 5, warmup: heavy ? 0 : 1) {
                    sgd.zeroGrad()
                    try learner.logits(batch.features).crossEntropy(targets: batch.labels).backward()
                    sgd.step()
                }
                perEpoch = step * 10
            }
            print(String(format: "| %@ | %d | %@ | %.0f |", method, learner.parameterCount,
                         params.isEmpty ? "no training" : String(format: "%.1f", perEpoch * 1000), ProcessClock.peakResidentMB()))
        }
    }
}
