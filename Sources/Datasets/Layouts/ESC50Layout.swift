/// The original ESC-50 distribution: `meta/esc50.csv` (`filename`, `fold`, `category`, ...)
/// and `audio/<filename>`; 5 folds, fold k tests on the clips whose `fold` is k.
///
/// Categories are spelled with underscores there (`door_wood_knock`); the reference's class
/// strings use spaces (`door wood knock`). ESC50-Actions is the reference's 10-class subset
/// (breathing, brushing teeth, ...): the other 40 classes are left out.
enum ESC50Layout {
    static func read(root: String, actionsOnly: Bool) throws -> Dataset {
        let known: KnownDataset = actionsOnly ? .esc50Actions : .esc50
        let table = try CSVTable(path: root + "/meta/esc50.csv", layout: "ESC-50 original", columns: ["filename", "fold", "category"])
        let foldColumn = try table.column("fold")
        let rows = try table.entries(pathColumn: "filename", labelColumn: "category", paths: RowPaths(root: root),
                                     base: root + "/audio") { label, source in
            guard let name = KnownDataset.esc50.referenceClass(for: label) else {
                throw DatasetError.unknownClass(label: label, location: source.description, expected: KnownDataset.esc50Categories)
            }
            return actionsOnly ? known.referenceClass(for: name) : name
        }
        try DatasetBuilder.checkDuplicates(rows.map(\.entry))
        let folded = try rows.map { ($0.entry, try table.fold($0.row, column: foldColumn, folds: 5)) }
        return try DatasetBuilder(name: known.name, layout: "ESC-50 original (meta/esc50.csv)", root: root, known: known)
            .build(splits: DatasetBuilder.foldSplits(folded, folds: 5), folds: 5)
    }
}
