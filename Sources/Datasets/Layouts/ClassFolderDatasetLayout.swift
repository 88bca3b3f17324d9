/// VocalSound, SESA and Beijing Opera as distributed in class folders.
///
/// - VocalSound: `<class>/` folders (`cough`, `laughter`, `sigh`, `sneeze`, `sniff`,
///   `throatclearing`, any case or separator), under `train/` and `test/` when those exist
///   (official split), else `DeterministicSplit.trainTest`. Its own release, a flat
///   `audio_16k/<speaker>_<n>_<label>.wav`, is read too (label = the last `_` field), with the
///   deterministic split (palm does not read VocalSound's speaker lists).
/// - SESA: `train/` and `test/` (the official split), each with class folders or flat files
///   named `<class>_<n>.wav`.
/// - Beijing Opera: class folders `bangu`, `daluo`, `naobo`, `xiaoluo` (possibly nested, as in
///   the original archive); 5 folds by `DeterministicSplit.folds` (the reference uses 5 folds of
///   47-48 test clips; the original has no fold list).
enum ClassFolderDatasetLayout {
    static func read(root: String, known: KnownDataset) throws -> Dataset {
        let builder = DatasetBuilder(name: known.name, layout: "", root: root, known: known)
        switch known {
        case .sesa:
            guard ClassFolders.hasTrainTest(root) else {
                throw DatasetError.missingLayoutFile(path: root + "/train/", layout: "SESA original (train/, test/)")
            }
            let split = RawSplit(fold: nil, train: try sesaEntries(root + "/train"), test: try sesaEntries(root + "/test"))
            return try with(builder, layout: "SESA original (train/, test/)").build(splits: [split], folds: nil)
        case .beijingOpera:
            let entries = try ClassFolders.entries(in: classRoot(root, known: known), known: known)
            return try with(builder, layout: "Beijing Opera class folders (5 deterministic folds)")
                .build(splits: DeterministicSplit.folds(entries, count: 5), folds: 5)
        default:
            if DirectoryScan.isDirectory(root + "/audio_16k") {
                let entries = try DirectoryScan.audioFiles(under: root + "/audio_16k", recursive: false).map { path in
                    let stem = String(path.split(separator: "/").last!.split(separator: ".").first!)
                    let label = String(stem.split(separator: "_").last ?? "")
                    return Entry(path: path, classname: try ClassFolders.reference(label, location: path, known: known),
                                 source: EntrySource(file: path))
                }
                return try with(builder, layout: "\(known.name) audio_16k/ (label in file name, deterministic 80/20 split)")
                    .build(splits: [DeterministicSplit.trainTest(entries)], folds: nil)
            }
            if ClassFolders.hasTrainTest(root) {
                let split = RawSplit(fold: nil, train: try ClassFolders.entries(in: root + "/train", known: known),
                                     test: try ClassFolders.entries(in: root + "/test", known: known))
                return try with(builder, layout: "\(known.name) class folders (train/, test/)").build(splits: [split], folds: nil)
            }
            let entries = try ClassFolders.entries(in: classRoot(root, known: known), known: known)
            return try with(builder, layout: "\(known.name) class folders (deterministic 80/20 split)")
                .build(splits: [DeterministicSplit.trainTest(entries)], folds: nil)
        }
    }

    private static func with(_ b: DatasetBuilder, layout: String) -> DatasetBuilder {
        var b = b
        b.layout = layout
        return b
    }

    /// SESA folders hold class folders or flat `<class>_<n>.wav` files.
    private static func sesaEntries(_ dir: String) throws -> [Entry] {
        DirectoryScan.subdirectories(of: dir).isEmpty
            ? try ClassFolders.prefixedEntries(in: dir, known: .sesa)
            : try ClassFolders.entries(in: dir, known: .sesa)
    }

    /// Descends through single wrapper folders (`BeijingOpera/`, `audio/`) until the class folders.
    private static func classRoot(_ root: String, known: KnownDataset) -> String {
        var dir = root
        for _ in 0..<3 {
            let subs = DirectoryScan.subdirectories(of: dir)
            if subs.contains(where: { known.referenceClass(for: $0) != nil }) || subs.count != 1 { return dir }
            dir += "/" + subs[0]
        }
        return dir
    }
}
