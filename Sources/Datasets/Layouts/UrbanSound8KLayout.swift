/// The original UrbanSound8K distribution: `metadata/UrbanSound8K.csv` (`slice_file_name`,
/// `fold`, `class`, ...) and `audio/fold<k>/<slice_file_name>`; 10 folds, fold k tests on
/// `audio/fold<k>`. Classes are spelled with underscores there (`air_conditioner`); the
/// reference's strings use spaces (`air conditioner`).
enum UrbanSound8KLayout {
    static func read(root: String) throws -> Dataset {
        let known = KnownDataset.urbanSound8K
        let table = try CSVTable(path: root + "/metadata/UrbanSound8K.csv", layout: "UrbanSound8K original",
                                 columns: ["slice_file_name", "fold", "class"])
        let foldColumn = try table.column("fold")
        let rows = try table.entries(pathColumn: "slice_file_name", labelColumn: "class", paths: RowPaths(root: root), base: root,
            baseOf: { row in "\(root)/audio/fold\(try table.fold(row, column: foldColumn, folds: 10))" }) { label, source in
            guard let name = known.referenceClass(for: label) else {
                throw DatasetError.unknownClass(label: label, location: source.description, expected: known.classes)
            }
            return name
        }
        try DatasetBuilder.checkDuplicates(rows.map(\.entry))
        let folded = try rows.map { ($0.entry, try table.fold($0.row, column: foldColumn, folds: 10)) }
        return try DatasetBuilder(name: known.name, layout: "UrbanSound8K original (metadata/UrbanSound8K.csv)", root: root, known: known)
            .build(splits: DatasetBuilder.foldSplits(folded, folds: 10), folds: 10)
    }
}
