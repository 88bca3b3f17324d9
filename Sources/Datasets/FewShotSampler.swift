import Tensor

/// The reference's few-shot rule: for each class, in sorted class order (label order), draw `k`
/// of its items at random; a class with fewer than `k` items gives all of them.
///
/// One `SeededGenerator(seed:)` serves all classes in turn, so the sample depends only on the
/// seed and on the list (its order included): same list, same seed, same items, on every
/// machine. Within a class the chosen items keep the list's order, so output is grouped by
/// label, then in list order.
///
/// The reference (`utils/dataset.py`, `generate_fewshot_dataset`) does the same per class in
/// sorted order with `df_class.sample(k)` on numpy's global RNG, so the rows differ (no Python
/// at run time; the rule is what is reproduced) and its rows within a class come in draw order
/// (irrelevant: training shuffles). Its `repeat` option (a class with fewer rows is sampled `k`
/// times with replacement; off by default, as in the paper's runs) is `repeat: true` here.
public enum FewShotSampler {
    /// Samples `k` items per class from `items`.
    /// - Parameters:
    ///   - items: a split's training part (any order; the order is part of the input).
    ///   - k: shots per class; must be >= 1.
    ///   - seed: seeds the one generator used for every class.
    ///   - repeat: a class with fewer than `k` items gives `k` draws with replacement instead
    ///     of all its items once.
    public static func sample(_ items: [DatasetItem], k: Int, seed: UInt64, repeat: Bool = false) -> [DatasetItem] {
        precondition(k >= 1, "few-shot k must be at least 1")
        var byLabel: [Int: [Int]] = [:]
        for (i, item) in items.enumerated() { byLabel[item.label, default: []].append(i) }
        var generator = SeededGenerator(seed: seed)
        var chosen: [DatasetItem] = []
        for label in byLabel.keys.sorted() {
            let members = byLabel[label]!
            let picks: [Int]
            if members.count >= k {
                picks = members.count == k ? Array(0..<k) : generator.sample(members.count, k: k).sorted()
            } else if `repeat` {
                picks = (0..<k).map { _ in generator.int(below: members.count) }.sorted()
            } else {
                picks = Array(0..<members.count)
            }
            chosen.append(contentsOf: picks.map { items[members[$0]] })
        }
        return chosen
    }
}

extension Array where Element == DatasetItem {
    /// `FewShotSampler.sample(self, k: k, seed: seed, repeat: repeat)`.
    public func fewShot(k: Int, seed: UInt64, repeat: Bool = false) -> [DatasetItem] {
        FewShotSampler.sample(self, k: k, seed: seed, repeat: `repeat`)
    }

    /// Item counts per class name.
    public var classCounts: [String: Int] {
        reduce(into: [:]) { $0[$1.classname, default: 0] += 1 }
    }
}
