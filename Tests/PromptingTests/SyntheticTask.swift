import Prompting
import Tensor

/// A generated few-shot task whose frozen class-name text features are deliberately
/// misaligned with the audio clusters, as a zero-shot ALM's are on a hard dataset: each text
/// feature is mostly a *different* class's direction. Learners that adapt must beat zero-shot.
struct SyntheticTask {
    let classes: [String]
    let text: Tensor
    let train: FeatureSet
    let test: FeatureSet

    init(classes c: Int = 8, dimension d: Int = 32, shots: Int = 16, testPerClass: Int = 40, seed: UInt64 = 11) throws {
        var g = SeededGenerator(seed: seed)
        let names = (0..<c).map { "class \($0)" }
        classes = names
        let centres = try Tensor.normal([c, d], generator: &g).l2Normalized()
        // Text of class i: 0.45 * own centre + 0.9 * centre of class (i+1) mod c + noise.
        let shifted = try centres.indexSelect(axis: 0, indices: (0..<c).map { ($0 + 1) % c })
        text = try (centres * 0.45 + shifted * 0.9 + Tensor.normal([c, d], std: 0.1, generator: &g)).l2Normalized()
        func sample(_ n: Int) throws -> FeatureSet {
            let labels = (0..<c).flatMap { Array(repeating: $0, count: n) }
            let x = try centres.indexSelect(axis: 0, indices: labels) * 3 + Tensor.normal([labels.count, d], std: 0.6, generator: &g)
            return try FeatureSet(features: x, labels: labels, classNames: names)
        }
        train = try sample(shots)
        test = try sample(testPerClass)
    }
}
