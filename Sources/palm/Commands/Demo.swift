import ArgumentParser
import Foundation
import Tensor

/// `palm demo`: the main job on the bundled demo model. Until the demo ALM lands (issue 8) it
/// runs the end-to-end path that exists — the engine training an output-space prompt learner
/// (PALM's update rule) on synthetic audio/text features — and says so.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the main job on the bundled demo model.")

    @Option(help: "Random seed.") var seed: UInt64 = 0

    func run() throws {
        print("palm demo: the demo audio-language model is not built yet (issue 8).")
        print("Running the engine's end-to-end path instead: PALM's output-space learner on synthetic features.\n")
        let (classes, dim, shots, testPerClass) = (10, 64, 16, 50)
        var g = SeededGenerator(seed: seed)
        // Class "audio" centres; the frozen "text" features point partly away from them, as a
        // zero-shot model whose prompts are misaligned with the audio would.
        let centres = try Tensor.normal([classes, dim], generator: &g).l2Normalized()
        let text = try (centres * 0.4 + Tensor.normal([classes, dim], generator: &g).l2Normalized() * 0.9).l2Normalized()
        func sample(_ perClass: Int) throws -> (Tensor, [Int]) {
            let labels = (0..<classes).flatMap { Array(repeating: $0, count: perClass) }
            let noise = Tensor.normal([labels.count, dim], std: 0.12, generator: &g)
            return (try centres.indexSelect(axis: 0, indices: labels) + noise, labels)
        }
        let (train, trainLabels) = try sample(shots), (test, testLabels) = try sample(testPerClass)
        func accuracy(_ logits: Tensor, _ labels: [Int]) throws -> Double {
            let p = try logits.argmax(axis: 1).toArray()
            return Double(zip(p, labels).filter { Int($0) == $1 }.count) / Double(labels.count)
        }
        let zeroShot = try accuracy(test.l2Normalized().matmul(text.T), testLabels)

        let z = Tensor.normal([classes, dim], std: 0.02, generator: &g).requiringGrad()
        let rawLambda = Tensor.uniform([classes, 1], generator: &g).requiringGrad()
        func logits(_ a: Tensor) throws -> Tensor {
            let lam = rawLambda.sigmoid()
            let mixed = try ((1 - lam) * text + lam * z).l2Normalized()
            return try a.l2Normalized().matmul(mixed.T) * 100
        }
        let opt = SGD(parameters: [z, rawLambda], learningRate: 0.05, momentum: 0.9)
        let t0 = Date()
        for epoch in 1...50 {
            let order = g.permutation(trainLabels.count)
            var total: Float = 0
            for start in stride(from: 0, to: order.count, by: 16) {
                let idx = Array(order[start..<min(start + 16, order.count)])
                opt.zeroGrad()
                let loss = try logits(train.indexSelect(axis: 0, indices: idx)).crossEntropy(targets: idx.map { trainLabels[$0] })
                try loss.backward()
                opt.step()
                total += try loss.item()
            }
            if epoch % 10 == 0 { print(String(format: "epoch %2d  loss %.3g", epoch, total / Float((order.count + 15) / 16))) }
        }
        let palm = try GradMode.withoutGrad { try accuracy(logits(test), testLabels) }
        print(String(format: "\nzero-shot accuracy %.3f | PALM-style learner %.3f | 50 epochs in %.2f s", zeroShot, palm, Date().timeIntervalSince(t0)))
    }
}
