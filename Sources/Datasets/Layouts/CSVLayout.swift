/// Options of the generic `csv` layout, parsed from `csv:key=value,key=value`.
///
/// Keys: `train`, `test` (two lists; default `train.csv`, `test.csv`) or `file` (one list whose
/// `fold` or `split` column places each row; without either, `DeterministicSplit.trainTest`);
/// `path` (column, default `path`), `label` (column, default `classname`), `fold` (column of
/// fold numbers 1...K), `split` (column whose values are `train` or `test`), `base` (directory
/// the paths are relative to, default the root), `delimiter` (`,` default, or `tab`).
/// Example: `csv:file=meta/esc50.csv,path=filename,label=category,fold=fold,base=audio`.
public struct CSVLayoutOptions: Sendable, Equatable {
    public var train = "train.csv"
    public var test = "test.csv"
    public var file: String? = nil
    public var pathColumn = "path"
    public var labelColumn = "classname"
    public var foldColumn: String? = nil
    public var splitColumn: String? = nil
    public var base: String? = nil
    public var delimiter: Character = ","

    /// Parses `key=value,...` (`spec` is the whole layout word, for errors).
    public init(parsing options: String, spec: String) throws {
        for pair in options.split(separator: ",") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[1].isEmpty else {
                throw DatasetError.badLayoutOption(spec: spec, reason: "expected key=value, found '\(pair)'")
            }
            switch kv[0].lowercased() {
            case "train": train = kv[1]
            case "test": test = kv[1]
            case "file": file = kv[1]
            case "path": pathColumn = kv[1]
            case "label": labelColumn = kv[1]
            case "fold": foldColumn = kv[1]
            case "split": splitColumn = kv[1]
            case "base": base = kv[1]
            case "delimiter": delimiter = kv[1] == "tab" ? "\t" : kv[1].first!
            default:
                throw DatasetError.badLayoutOption(spec: spec,
                    reason: "unknown key '\(kv[0])' (train, test, file, path, label, fold, split, base, delimiter)")
            }
        }
    }
}

/// The generic `csv` layout (see `CSVLayoutOptions`). Labels are kept exactly as written.
enum CSVLayout {
    static func read(root: String, options o: CSVLayoutOptions) throws -> Dataset {
        let name = String(root.split(separator: "/").last ?? "dataset")
        let base = o.base.map { DirectoryScan.resolve($0, against: root) } ?? root
        func load(_ file: String) throws -> (CSVTable, [(entry: Entry, row: CSVTable.Row)]) {
            let table = try CSVTable(path: DirectoryScan.resolve(file, against: root), layout: "csv", delimiter: o.delimiter)
            let rows = try table.entries(pathColumn: o.pathColumn, labelColumn: o.labelColumn, base: base) { label, source in
                if label.isEmpty { throw DatasetError.malformedRow(location: source.description, reason: "empty label") }
                return label
            }
            return (table, rows)
        }
        let builder = DatasetBuilder(name: name, layout: "csv", root: root, known: nil)
        guard let file = o.file else {
            let split = RawSplit(fold: nil, train: try load(o.train).1.map(\.entry), test: try load(o.test).1.map(\.entry))
            return try builder.build(splits: [split], folds: nil)
        }
        let (table, rows) = try load(file)
        if let foldColumn = o.foldColumn {
            let c = try table.column(foldColumn)
            let folded = try rows.map { ($0.entry, try table.fold($0.row, column: c, folds: nil)) }
            let folds = folded.map(\.1).max() ?? 0
            for k in 1...max(folds, 1) where !folded.contains(where: { $0.1 == k }) {
                throw DatasetError.malformedRow(location: table.file, reason: "folds run 1...\(folds) but no row has fold \(k)")
            }
            try DatasetBuilder.checkDuplicates(rows.map(\.entry))
            return try builder.build(splits: DatasetBuilder.foldSplits(folded, folds: folds), folds: folds)
        }
        if let splitColumn = o.splitColumn {
            let c = try table.column(splitColumn)
            var split = RawSplit(fold: nil, train: [], test: [])
            for (entry, row) in rows {
                switch row.fields[c].trimmingCharacters(in: .whitespaces).lowercased() {
                case "train": split.train.append(entry)
                case "test": split.test.append(entry)
                case let other:
                    throw DatasetError.malformedRow(location: "\(table.file):\(row.line)",
                                                    reason: "split '\(other)' is neither 'train' nor 'test'")
                }
            }
            return try builder.build(splits: [split], folds: nil)
        }
        try DatasetBuilder.checkDuplicates(rows.map(\.entry))
        return try builder.build(splits: [DeterministicSplit.trainTest(rows.map(\.entry))], folds: nil)
    }
}
