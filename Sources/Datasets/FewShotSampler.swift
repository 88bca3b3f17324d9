/// The PALM reference's few-shot rule, drawn from the reference's own random stream: for the
/// same list and seed, palm picks the clips the reference picks, in the reference's order.
///
/// The reference (`main.py`, then `utils/dataset.py`, `generate_fewshot_dataset`) calls
/// `np.random.seed(seed)` and, for each class of its `train.csv` in sorted order (Python's
/// `sorted`: by code point), takes `df[df.classname == c]`, the class's rows in file order, and
/// `.sample(k)`. pandas draws that from numpy's global stream as `np.random.choice(n, k,
/// replace=False)`: the first `k` of a full `permutation(n)`, kept in that (draw) order. A class
/// with fewer than `k` rows is taken whole, in file order, and draws nothing; with `repeat` it is
/// `.sample(k, replace=True)` instead, `k` draws with replacement. The test list is not sampled.
///
/// Here one `NumpyRandomState(seed:)` (numpy's stream after `np.random.seed(seed)`) serves every
/// class in label order (labels index the classes sorted by code point), and the draws are
/// positions among the class's items **in the order `items` lists them**. A class of exactly `k`
/// items draws its permutation too, as pandas does (it reorders them and moves the stream on).
/// Output: class by class in label order; within a class in draw order.
///
/// ## Which order each layout lists
/// The order of a class's items is part of the input, and each layout reader fixes it:
/// - **PALM reference layout** (`train.csv`, `csv_files/train_k.csv`): rows in file order, which
///   is the DataFrame pandas samples from, so the picks are exactly the reference's. This is what
///   `palm dataset NAME ROOT --fewshot K --seed S` uses when ROOT holds the reference's lists.
/// - **`csv` layout**: rows in file order (a single `file` placed by its `fold` or `split`
///   column keeps file order; one without either goes through the deterministic split below).
/// - **ESC-50, UrbanSound8K originals**: rows of `meta/esc50.csv` / `UrbanSound8K.csv` in file
///   order. **TUT2017**: rows of `evaluation_setup/fold<k>_train.txt` in file order.
/// - **NSynth**: note names (the keys of `examples.json`) sorted by code point.
/// - **Class folders** (`folder`, SESA, VocalSound, GTZAN, Beijing Opera) and the file-name
///   layouts (RAVDESS, CREMA-D), and every `DeterministicSplit`: paths sorted by code point.
///
/// So a seed has one meaning everywhere: the reference's procedure applied to the list palm
/// reads, i.e. the clips the reference would pick from a `train.csv` listing the same files in
/// that order.
public enum FewShotSampler {
    /// Samples `k` items per class from `items` as the reference does (see the type's doc).
    /// - Parameters:
    ///   - items: a split's training part; within a class its order is the list the draws index.
    ///   - k: shots per class; must be >= 1.
    ///   - seed: `np.random.seed(seed)`; one stream serves every class in label order.
    ///   - repeat: a class with fewer than `k` items gives `k` draws with replacement (the
    ///     reference's `repeat` option, off in its runs) instead of all its items once.
    /// - Returns: class by class in label order; within a class in draw order (file order for a
    ///   class taken whole).
    public static func sample(_ items: [DatasetItem], k: Int, seed: UInt64, repeat: Bool = false) -> [DatasetItem] {
        precondition(k >= 1, "few-shot k must be at least 1")
        var byLabel: [Int: [Int]] = [:]
        for (i, item) in items.enumerated() { byLabel[item.label, default: []].append(i) }
        var stream = NumpyRandomState(seed: seed)
        var chosen: [DatasetItem] = []
        for label in byLabel.keys.sorted() {
            let members = byLabel[label]!
            let picks: [Int]
            if members.count >= k {
                picks = stream.choiceWithoutReplacement(n: members.count, k: k)
            } else if `repeat` {
                picks = stream.choiceWithReplacement(n: members.count, k: k)
            } else {
                picks = Array(members.indices)
            }
            chosen.append(contentsOf: picks.map { items[members[$0]] })
        }
        return chosen
    }
}

extension Array where Element == DatasetItem {
    /// `FewShotSampler.sample(self, k: k, seed: seed, repeat: repeat)`: the reference's picks
    /// for this list and seed.
    public func fewShot(k: Int, seed: UInt64, repeat: Bool = false) -> [DatasetItem] {
        FewShotSampler.sample(self, k: k, seed: seed, repeat: `repeat`)
    }

    /// Item counts per label (`classCount` of them, by index into the dataset's classes).
    /// Counted by label rather than by class name: a `[String: Int]` would merge two names
    /// that differ only in Unicode normalisation, which the dataset keeps as two classes.
    public func labelCounts(classCount: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for item in self where counts.indices.contains(item.label) { counts[item.label] += 1 }
        return counts
    }
}
