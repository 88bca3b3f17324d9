import Foundation

// Cross-entropy on logits (fused log-softmax + negative log-likelihood).

extension Tensor {
    /// Mean cross-entropy of `[N, C]` logits against integer `targets` (PyTorch
    /// `F.cross_entropy`, reduction "mean"). Throws if a target is outside `0..<C`.
    public func crossEntropy(targets: [Int]) throws -> Tensor {
        guard rank == 2 else {
            throw TensorError.invalidArgument(op: "crossEntropy", message: "logits must be [N, C], got \(shapeString(shape))")
        }
        let n = shape[0], c = shape[1]
        guard targets.count == n else {
            throw TensorError.shapeMismatch(op: "crossEntropy", shapes: [shape, [targets.count]], reason: "one target per row expected")
        }
        if let bad = targets.first(where: { $0 < 0 || $0 >= c }) {
            throw TensorError.invalidArgument(op: "crossEntropy", message: "target \(bad) outside 0..<\(c) classes")
        }
        let logp = softmaxLastAxis(log: true)
        var loss = 0.0
        for (i, t) in targets.enumerated() { loss -= Double(logp.pointer[i * c + t]) }
        let out = Tensor(scalar: Float(loss / Double(Swift.max(n, 1))))
        return out.recorded(.crossEntropy(targets: targets, probabilities: logp.exp()), inputs: [self])
    }
}
