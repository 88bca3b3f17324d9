import Tensor

/// Classification metrics of a learner on a labelled feature set.
public struct EvaluationResult: Sendable, Codable {
    /// Fraction of correct predictions (the paper's metric).
    public var accuracy: Double
    /// Unweighted mean over classes of F1 (a class never predicted nor present counts 0).
    public var macroF1: Double
    /// Accuracy (recall) per class, in class order.
    public var perClassAccuracy: [Double]
    /// `confusion[true][predicted]` counts.
    public var confusion: [[Int]]
    public var classNames: [String]
    /// The predicted class of each clip, in the data's order; -1 where the learner predicts
    /// no class (every logit minus infinity: a linear probe carried over to classes it has no
    /// weights for), which counts as wrong.
    public var predictions: [Int]
}

public enum Evaluator {
    /// Evaluates in batches of `batchSize` without recording gradients.
    public static func evaluate(_ learner: PromptLearner, on data: FeatureSet, batchSize: Int = 256) throws -> EvaluationResult {
        guard data.dimension == learner.dimension else {
            throw PromptingError.dimensionMismatch(expected: learner.dimension, found: data.dimension, what: learner.method)
        }
        guard data.count > 0 else {
            throw PromptingError.invalidData("nothing to evaluate \(learner.method) on: the test set is empty")
        }
        try checkClasses(learner: learner, data: data, requireAll: false)
        var predictions: [Int] = []
        try GradMode.withoutGrad {
            for start in stride(from: 0, to: data.count, by: batchSize) {
                let idx = Array(start..<min(start + batchSize, data.count))
                let logits = try learner.logits(data.features.indexSelect(axis: 0, indices: idx)).contiguous()
                let p = try logits.argmax(axis: 1).toArray()
                let c = logits.shape[1]
                for (row, best) in p.enumerated() {
                    let scores = UnsafeBufferPointer(start: logits.pointer + row * c, count: c)
                    predictions.append(scores.allSatisfy { $0 == -.infinity } ? -1 : Int(best))
                }
            }
        }
        return metrics(predictions: predictions, labels: data.labels, classNames: learner.classNames)
    }

    /// Accuracy, macro-F1, per-class accuracy and the confusion matrix of predictions.
    public static func metrics(predictions: [Int], labels: [Int], classNames: [String]) -> EvaluationResult {
        let c = classNames.count
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: c), count: c)
        for (p, l) in zip(predictions, labels) where p >= 0 { confusion[l][p] += 1 }
        let correct = (0..<c).reduce(0) { $0 + confusion[$1][$1] }
        var f1s: [Double] = [], perClass: [Double] = []
        for k in 0..<c {
            let tp = Double(confusion[k][k])
            let support = Double(confusion[k].reduce(0, +))
            let predicted = Double((0..<c).reduce(0) { $0 + confusion[$1][k] })
            perClass.append(support > 0 ? tp / support : 0)
            f1s.append(support + predicted > 0 ? 2 * tp / (support + predicted) : 0)
        }
        return EvaluationResult(accuracy: labels.isEmpty ? 0 : Double(correct) / Double(labels.count),
                                macroF1: c > 0 ? f1s.reduce(0, +) / Double(c) : 0,
                                perClassAccuracy: perClass, confusion: confusion, classNames: classNames, predictions: predictions)
    }
}
