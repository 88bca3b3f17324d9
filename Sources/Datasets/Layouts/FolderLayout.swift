/// The generic `folder` layout: one sub-folder per class (its name is the class string, kept
/// exactly), audio files found recursively. With `train/` and `test/` sub-folders those are the
/// split; otherwise `DeterministicSplit.trainTest`.
enum FolderLayout {
    static func read(root: String) throws -> Dataset {
        let name = String(root.split(separator: "/").last ?? "dataset")
        let builder = DatasetBuilder(name: name, layout: "", root: root, known: nil)
        if ClassFolders.hasTrainTest(root) {
            var b = builder
            b.layout = "class folders (train/, test/)"
            let split = RawSplit(fold: nil, train: try ClassFolders.entries(in: root + "/train", known: nil),
                                 test: try ClassFolders.entries(in: root + "/test", known: nil))
            return try b.build(splits: [split], folds: nil)
        }
        let entries = try ClassFolders.entries(in: root, known: nil)
        if entries.isEmpty { throw DatasetError.missingLayoutFile(path: root + "/<class>/", layout: "folder") }
        var b = builder
        b.layout = "class folders (deterministic 80/20 split)"
        return try b.build(splits: [DeterministicSplit.trainTest(entries)], folds: nil)
    }
}
