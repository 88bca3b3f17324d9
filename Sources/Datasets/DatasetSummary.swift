import Foundation

/// What `palm dataset LAYOUT ROOT [--fold K] [--fewshot K --seed S] [--json]` prints.
///
/// Text: name, layout, root, the classes with their labels and counts, folds, the header
/// statistics of `peek()` (durations, sample rates, channels, unreadable files), and the train /
/// test sizes of the chosen fold (all folds when none is chosen), after few-shot sampling when
/// asked. JSON (`json: true`): the same facts plus, per split, the chosen files (paths relative
/// to the root, label, classname), with sorted keys so output is stable.
///
/// Few-shot sampling is `FewShotSampler`'s: for a root in the PALM reference layout the training
/// files listed are exactly the rows the reference's `df_class.sample(K)` picks after
/// `np.random.seed(S)`, in its order (class by class in sorted order, then draw order).
///
/// - Parameters:
///   - layout: a `DatasetLayout` spelling (`esc50`, `palm:ESC50`, `folder`, `csv:...`).
///   - fold: 1-based fold; nil shows every fold (or the single split).
///   - fewShot: shots per class for the training parts; nil keeps them whole.
///   - seed: the few-shot seed (default 0).
/// - Throws: any `DatasetError` (bad layout, missing root, no such fold, ...).
public func datasetSummary(layout: String, root: String, fold: Int? = nil, fewShot: Int? = nil,
                           seed: UInt64? = nil, json: Bool = false) throws -> String {
    let dataset = try Dataset.load(layout, root: root)
    var splits = try fold.map { [try dataset.split(fold: $0)] } ?? dataset.splits
    if let k = fewShot {
        guard k >= 1 else { throw DatasetError.badLayoutOption(spec: "--fewshot \(k)", reason: "shots per class must be at least 1") }
        splits = splits.map { $0.fewShot(k: k, seed: seed ?? 0) }
    }
    let peek = dataset.peek()
    return json ? try DatasetSummaryJSON(dataset, splits: splits, peek: peek, fewShot: fewShot, seed: seed ?? 0).encoded()
                : summaryText(dataset, splits: splits, peek: peek, fewShot: fewShot, seed: seed ?? 0)
}

private func summaryText(_ d: Dataset, splits: [DatasetSplit], peek: DatasetPeek, fewShot: Int?, seed: UInt64) -> String {
    var lines = [
        "dataset   \(d.name)",
        "layout    \(d.layout)",
        "root      \(d.root)",
        "classes   \(d.classes.count) (label = index in sorted order; items per class)",
    ]
    lines.insert(contentsOf: d.notes.map { "note      \($0)" }, at: 3)
    // Class strings come from the data: shown escaped and shortened, so a label cannot write
    // control sequences to the terminal or pad every line to its length.
    let names = d.classes.map(DatasetError.shown)
    let width = min(names.map(\.count).max() ?? 0, 40)
    for (i, c) in names.enumerated() {
        let padded = c.count >= width ? c : c + String(repeating: " ", count: width - c.count)
        lines.append("  \(String(i).leftPadded(3))  \(padded)  \(peek.classCounts[i])")
    }
    lines.append("items     \(d.items.count)")
    lines.append("folds     \(d.folds.map(String.init) ?? "none (one train/test split)")")
    if peek.readable > 0 {
        lines.append(String(format: "duration  total %.1f s, min %.2f s, max %.2f s, mean %.2f s", peek.totalDuration,
                            peek.minDuration, peek.maxDuration, peek.totalDuration / Double(peek.readable)))
    }
    lines.append("rates     " + peek.sampleRates.sorted { $0.key < $1.key }.map { "\($0.key) Hz x\($0.value)" }.joined(separator: ", "))
    lines.append("channels  " + peek.channels.sorted { $0.key < $1.key }.map { "\($0.key) x\($0.value)" }.joined(separator: ", "))
    if !peek.unreadable.isEmpty {
        lines.append("unreadable \(peek.unreadable.count) file(s):")
        lines += peek.unreadable.map { "  \(DatasetError.printable(d.relativePath($0.path))): \($0.reason)" }
    }
    if let k = fewShot { lines.append("few-shot  \(k) per class (all of a class with fewer), seed \(seed) (numpy's stream, the reference's rule)") }
    for s in splits {
        let name = s.fold.map { "fold \($0)" } ?? "split"
        lines.append("\(name.padding(toLength: 9, withPad: " ", startingAt: 0)) train \(s.train.count), test \(s.test.count)")
    }
    return lines.joined(separator: "\n") + "\n"
}

/// The JSON form of the summary (keys sorted on output).
private struct DatasetSummaryJSON: Encodable {
    struct Item: Encodable { var path: String; var label: Int; var classname: String }
    struct Split: Encodable { var fold: Int?; var train: [Item]; var test: [Item] }
    struct Peek: Encodable {
        var class_counts: [String: Int]
        var readable: Int
        var total_duration: Double, min_duration: Double, max_duration: Double
        var sample_rates: [String: Int]
        var channels: [String: Int]
        var unreadable: [FileFailure]
    }
    var name: String
    var layout: String
    var root: String
    var classes: [String]
    var folds: Int?
    var notes: [String]
    var fewshot: [String: UInt64]?
    var peek: Peek
    var splits: [Split]

    init(_ d: Dataset, splits: [DatasetSplit], peek p: DatasetPeek, fewShot: Int?, seed: UInt64) {
        name = d.name
        layout = d.layout
        root = d.root
        classes = d.classes
        folds = d.folds
        notes = d.notes
        fewshot = fewShot.map { ["k": UInt64($0), "seed": seed] }
        // A JSON object cannot hold two keys that Swift sees as one (NFC and NFD spellings of a
        // class, kept apart as two classes): their counts are summed here, and `classes`, the
        // items' labels and the dataset's notes keep them apart.
        peek = Peek(class_counts: Dictionary(zip(d.classes, p.classCounts), uniquingKeysWith: +), readable: p.readable,
                    total_duration: p.totalDuration, min_duration: p.minDuration, max_duration: p.maxDuration,
                    sample_rates: Dictionary(uniqueKeysWithValues: p.sampleRates.map { (String($0.key), $0.value) }),
                    channels: Dictionary(uniqueKeysWithValues: p.channels.map { (String($0.key), $0.value) }),
                    unreadable: p.unreadable.map { FileFailure(path: d.relativePath($0.path), reason: $0.reason) })
        func items(_ list: [DatasetItem]) -> [Item] {
            list.map { Item(path: d.relativePath($0.path), label: $0.label, classname: $0.classname) }
        }
        self.splits = splits.map { Split(fold: $0.fold, train: items($0.train), test: items($0.test)) }
    }

    func encode(to encoder: Encoder) throws {
        enum K: String, CodingKey { case name, layout, root, classes, folds, notes, fewshot, peek, splits }
        var c = encoder.container(keyedBy: K.self)
        try c.encode(name, forKey: .name)
        try c.encode(layout, forKey: .layout)
        try c.encode(root, forKey: .root)
        try c.encode(classes, forKey: .classes)
        try c.encode(folds, forKey: .folds)   // explicit null for single-split datasets
        try c.encode(notes, forKey: .notes)
        try c.encode(fewshot, forKey: .fewshot)
        try c.encode(peek, forKey: .peek)
        try c.encode(splits, forKey: .splits)
    }

    func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}

private extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
