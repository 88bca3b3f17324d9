import Foundation
import Prompting
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
        for method in ["palm", "palm-dagger", "linear-probe"] {
            let seconds = try Stopwatch.median(repeats: 3, warmup: 1) {
                let learner: PromptLearner
                switch method {
                case "palm": learner = try PALMLearner(textFeatures: text, classNames: names)
                case "palm-dagger": learner = try PALMLearner(textFeatures: nil, classNames: names, dimension: d)
                default: learner = LinearProbeLearner(classNames: names, dimension: d)
                }
                try Trainer().fit(learner, on: train)
            }
            print(String(format: "%-13@ 50 epochs, 800 clips x 50 classes x d 1024: %.3f s (%.1f ms/epoch)", method, seconds, seconds * 1000 / 50))
        }
    }
}
