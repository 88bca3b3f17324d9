import Foundation

/// A labelled audio dataset read from disk: its classes, its folds and its splits.
///
/// ```swift
/// let esc = try Dataset.load("esc50", root: "~/data/ESC50")
/// let split = try esc.split(fold: 1)
/// let train = split.train.fewShot(k: 16, seed: 0)
/// ```
///
/// `classes` are sorted by code points (the reference's `sorted`), and an item's `label` is the
/// index of its class there. Folded datasets need a fold for `split(fold:)`; single-split
/// datasets take `nil` (or 1).
public struct Dataset: Sendable, CustomStringConvertible {
    /// The dataset's name (a `KnownDataset` name, or the root's folder name for generic layouts).
    public let name: String
    /// Which reader produced it, e.g. `"ESC-50 original (meta/esc50.csv)"`.
    public let layout: String
    /// Absolute root directory.
    public let root: String
    /// Class strings, sorted; label = index.
    public let classes: [String]
    /// Number of folds, or nil for a single train/test split.
    public let folds: Int?
    /// The splits: one per fold (fold 1 first), or the single train/test split.
    public let splits: [DatasetSplit]
    /// One-line notes on how the tree differs from the dataset as published (a subset of its
    /// classes); callers show them when the dataset is loaded.
    public let notes: [String]

    init(name: String, layout: String, root: String, classes: [String], folds: Int?, splits: [DatasetSplit], notes: [String] = []) {
        self.name = name
        self.layout = layout
        self.root = root
        self.classes = classes
        self.folds = folds
        self.splits = splits
        self.notes = notes
    }

    /// Reads the dataset at `root` with the layout named by `spec` (see `DatasetLayout.parse`):
    /// a dataset name such as `"ESC50"` or `"esc50"` (the PALM reference layout when `root`
    /// holds `train.csv` or `csv_files/`, the original distribution otherwise), `"palm:NAME"`,
    /// `"folder"`, or `"csv:..."`. A leading `~` in `root` is expanded.
    public static func load(_ spec: String, root: String) throws -> Dataset {
        try DatasetLayout.parse(spec).read(root: root)
    }

    /// The train/test parts of `fold` (1-based), or of the single split when `fold` is nil.
    /// - Throws: `DatasetError.noSuchFold` for a fold the dataset lacks, `.foldRequired` when a
    ///   folded dataset gets nil.
    public func split(fold: Int? = nil) throws -> DatasetSplit {
        guard let folds else {
            if let fold, fold != 1 { throw DatasetError.noSuchFold(fold: fold, dataset: name, folds: nil) }
            return splits[0]
        }
        guard let fold else { throw DatasetError.foldRequired(dataset: name, folds: folds) }
        guard (1...folds).contains(fold) else { throw DatasetError.noSuchFold(fold: fold, dataset: name, folds: folds) }
        return splits[fold - 1]
    }

    /// Every distinct item of the dataset, in order of first appearance over the splits.
    public var items: [DatasetItem] {
        var seen = Set<ExactText>()
        var all: [DatasetItem] = []
        for s in splits {
            for item in s.train + s.test where seen.insert(ExactText(item.path)).inserted { all.append(item) }
        }
        return all
    }

    /// One line: name, classes, folds, items, layout.
    public var description: String {
        let f = folds.map { "\($0) folds" } ?? "train/test"
        return "\(name): \(classes.count) classes, \(f), \(items.count) items (\(layout))"
    }

    /// `path` relative to `root` when it lies under it, else `path` itself.
    public func relativePath(_ path: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
