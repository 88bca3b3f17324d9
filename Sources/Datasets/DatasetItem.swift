/// One labelled clip of a dataset. Two items are equal when their paths and class strings have
/// the same bytes (not merely canonically equivalent ones: see `ExactText`).
public struct DatasetItem: Hashable, Sendable, Codable {
    /// Absolute path of the audio file.
    public var path: String
    /// Index of `classname` in the dataset's sorted `classes`.
    public var label: Int
    /// The class string exactly as the reference spells it.
    public var classname: String

    public init(path: String, label: Int, classname: String) {
        self.path = path
        self.label = label
        self.classname = classname
    }

    public static func == (a: DatasetItem, b: DatasetItem) -> Bool {
        a.label == b.label && a.path.isIdentical(to: b.path) && a.classname.isIdentical(to: b.classname)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ExactText(path))
        hasher.combine(label)
        hasher.combine(ExactText(classname))
    }
}

/// The train and test parts of one fold (or of a dataset's single split).
public struct DatasetSplit: Sendable, Equatable {
    /// The fold number (1-based), or nil for a dataset with a single train/test split.
    public var fold: Int?
    public var train: [DatasetItem]
    public var test: [DatasetItem]

    public init(fold: Int?, train: [DatasetItem], test: [DatasetItem]) {
        self.fold = fold
        self.train = train
        self.test = test
    }

    /// This split with `train` replaced by its few-shot sample (`test` stays whole, as in the
    /// reference): the reference's picks for `seed`, drawn from `train` in its list order (CSV
    /// row order for the PALM reference layout). See `FewShotSampler`.
    public func fewShot(k: Int, seed: UInt64) -> DatasetSplit {
        DatasetSplit(fold: fold, train: train.fewShot(k: k, seed: seed), test: test)
    }
}
