/// The split palm uses when a distribution has no official one (GTZAN, RAVDESS, CREMA-D,
/// Beijing Opera, VocalSound and generic folders without `train/` and `test/`).
///
/// Rule: group the files by class; within a class sort them by path (code points); the file at
/// position `i` goes to test when `i % 5 == 4`, else to train. That is a stratified 80/20 split
/// (the reference's counts: GT-Music-Genre 200 of 1000 in test, CREMA-D 1489 of 7442, RAVDESS
/// 491 of 2452), deterministic and independent of any seed, and adding files to one class never
/// moves files of another. For the 5-fold Beijing Opera the same positions give the folds:
/// fold = `i % 5 + 1`. The PALM reference CSVs, when present, are the authority instead: load
/// the dataset from its reference layout to reproduce the paper's exact files.
enum DeterministicSplit {
    /// Stratified 80/20 train/test split by sorted position (see the type's doc).
    static func trainTest(_ entries: [Entry]) -> RawSplit {
        var train: [Entry] = []
        var test: [Entry] = []
        for (entry, i) in positions(entries) {
            if i % 5 == 4 { test.append(entry) } else { train.append(entry) }
        }
        return RawSplit(fold: nil, train: train, test: test)
    }

    /// Stratified folds by sorted position: fold = `i % folds + 1`.
    static func folds(_ entries: [Entry], count: Int) -> [RawSplit] {
        DatasetBuilder.foldSplits(positions(entries).map { ($0.0, $0.1 % count + 1) }, folds: count)
    }

    /// Each entry with its position among its class's entries sorted by path; output sorted by
    /// class, then path.
    private static func positions(_ entries: [Entry]) -> [(Entry, Int)] {
        let byClass = Dictionary(grouping: entries) { ExactText($0.classname) }
        var out: [(Entry, Int)] = []
        for c in ClassOrder.sorted(byClass.keys.map(\.text)) {
            let sorted = byClass[ExactText(c)]!.sorted { ClassOrder.precedes($0.path, $1.path) }
            out.append(contentsOf: sorted.enumerated().map { ($1, $0) })
        }
        return out
    }
}
