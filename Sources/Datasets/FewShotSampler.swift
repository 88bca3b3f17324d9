import Tensor

/// The reference's few-shot rule: for each class, in sorted class order (label order), draw `k`
/// of its items at random; a class with fewer than `k` items gives all of them.
///
/// One `SeededGenerator(seed:)` serves all classes in turn, so the sample depends only on the
/// seed and on the list (its order included): same list, same seed, same items, on every
/// machine. Within a class the chosen items keep the list's order, so output is grouped by
/// label, then in list order. The PALM reference draws with pandas' RNG; bit-for-bit the same
/// rows is not a goal (no Python at run time), the rule is.
public enum FewShotSampler {
    /// Samples `k` items per class from `items`.
    /// - Parameters:
    ///   - items: a split's training part (any order; the order is part of the input).
    ///   - k: shots per class; must be >= 1.
    ///   - seed: seeds the one generator used for every class.
    public static func sample(_ items: [DatasetItem], k: Int, seed: UInt64) -> [DatasetItem] {
        precondition(k >= 1, "few-shot k must be at least 1")
        var byLabel: [Int: [Int]] = [:]
        for (i, item) in items.enumerated() { byLabel[item.label, default: []].append(i) }
        var generator = SeededGenerator(seed: seed)
        var chosen: [DatasetItem] = []
        for label in byLabel.keys.sorted() {
            let members = byLabel[label]!
            let picks = members.count <= k
                ? Array(0..<members.count)
                : generator.sample(members.count, k: k).sorted()
            chosen.append(contentsOf: picks.map { items[members[$0]] })
        }
        return chosen
    }
}

extension Array where Element == DatasetItem {
    /// `FewShotSampler.sample(self, k: k, seed: seed)`.
    public func fewShot(k: Int, seed: UInt64) -> [DatasetItem] {
        FewShotSampler.sample(self, k: k, seed: seed)
    }

    /// Item counts per class name.
    public var classCounts: [String: Int] {
        reduce(into: [:]) { $0[$1.classname, default: 0] += 1 }
    }
}
