/// Options of the generic `csv` layout, parsed from `csv:key=value,key=value`.
///
/// Keys: `train`, `test` (two lists; default `train.csv`, `test.csv`) or `file` (one list whose
/// `fold` or `split` column places each row; without either, `DeterministicSplit.trainTest`);
/// `path` (column, default `path`), `label` (column, default `classname`), `fold` (column of
/// fold numbers 1...K), `split` (column whose values are `train` or `test`), `base` (directory
/// the paths are relative to, default the root; it must lie inside the root), `delimiter` (`,`
/// default, `tab`, `semicolon`, `pipe`, or one ASCII character), `encoding` (`utf-8` default,
/// `latin1`, `windows-1252`), `absolute` (`yes` lets rows name absolute paths; relative paths
/// must stay inside the root either way).
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
    /// The lists' encoding; UTF-8 unless told (a list that is not valid UTF-8 is refused).
    public var encoding: TextEncoding = .utf8
    /// True when rows may name absolute paths (`absolute=yes`).
    public var allowsAbsolutePaths = false

    /// The keys and their meaning, for `palm dataset --help` and errors.
    public static let help = """
        csv:key=value,... reads any CSV. Keys: file=LIST (one list, placed by fold= or split=, \
        else a deterministic 80/20 split) or train=LIST,test=LIST (default train.csv, test.csv); \
        path=COLUMN (default path), label=COLUMN (default classname), fold=COLUMN (1...K), \
        split=COLUMN (train/test), base=DIR (inside the root; paths are relative to it), \
        delimiter=tab|semicolon|pipe|CHAR (default ,), encoding=utf-8|latin1|windows-1252 \
        (default utf-8; other bytes are refused), absolute=yes (rows may name absolute paths; \
        relative ones must stay inside the root either way).
        """

    /// Parses `key=value,...` (`spec` is the whole layout word, for errors).
    public init(parsing options: String, spec: String) throws {
        for pair in options.split(separator: ",") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[1].isEmpty else {
                throw DatasetError.badLayoutOption(spec: spec, reason: "expected key=value, found '\(pair)'")
            }
            let value = kv[1]
            switch kv[0].lowercased() {
            case "train": train = value
            case "test": test = value
            case "file": file = value
            case "path": pathColumn = value
            case "label": labelColumn = value
            case "fold": foldColumn = value
            case "split": splitColumn = value
            case "base": base = value
            case "delimiter": delimiter = try Self.delimiter(value, spec: spec)
            case "encoding":
                guard let e = TextEncoding(named: value) else {
                    throw DatasetError.badLayoutOption(spec: spec, reason: "unknown encoding '\(value)' (\(TextEncoding.spellings))")
                }
                encoding = e
            case "absolute":
                switch value.lowercased() {
                case "yes", "true", "1": allowsAbsolutePaths = true
                case "no", "false", "0": allowsAbsolutePaths = false
                default: throw DatasetError.badLayoutOption(spec: spec, reason: "absolute is yes or no, found '\(value)'")
                }
            default:
                throw DatasetError.badLayoutOption(spec: spec,
                    reason: "unknown key '\(kv[0])' (train, test, file, path, label, fold, split, base, delimiter, encoding, absolute)")
            }
        }
    }

    /// The delimiter `value` names: `tab`, `semicolon`, `pipe`, `comma`, or one ASCII character
    /// other than a quote, `=` and a line break (the parser splits on single bytes).
    static func delimiter(_ value: String, spec: String) throws -> Character {
        switch value.lowercased() {
        case "tab", "\\t": return "\t"
        case "semicolon": return ";"
        case "pipe": return "|"
        case "comma": return ","
        default:
            guard value.count == 1, let c = value.first, let a = c.asciiValue, a >= 0x20 || a == 0x09, a != 0x7F, c != "\"" else {
                throw DatasetError.badLayoutOption(spec: spec,
                    reason: "delimiter is tab, semicolon, pipe, comma or one printable ASCII character other than a quote, found '\(value)'")
            }
            return c
        }
    }
}

/// The generic `csv` layout (see `CSVLayoutOptions`). Labels are kept exactly as written.
enum CSVLayout {
    static func read(root: String, options o: CSVLayoutOptions) throws -> Dataset {
        let name = String(root.split(separator: "/").last ?? "dataset")
        var paths = RowPaths(root: root)
        paths.allowsAbsolute = o.allowsAbsolutePaths
        let base = try o.base.map { try paths.directory($0, option: "base") } ?? root
        let needed = [o.pathColumn, o.labelColumn] + [o.foldColumn, o.splitColumn].compactMap { $0 }
        func load(_ file: String, columns: [String]) throws -> (CSVTable, [(entry: Entry, row: CSVTable.Row)]) {
            let table = try CSVTable(path: DirectoryScan.resolve(file, against: root), layout: "csv", delimiter: o.delimiter,
                                     encoding: o.encoding, columns: columns)
            let rows = try table.entries(pathColumn: o.pathColumn, labelColumn: o.labelColumn, paths: paths, base: base) { label, source in
                if label.isEmpty { throw DatasetError.malformedRow(location: source.description, reason: "empty label") }
                return label
            }
            return (table, rows)
        }
        let builder = DatasetBuilder(name: name, layout: "csv", root: root, known: nil)
        guard let file = o.file else {
            let columns = [o.pathColumn, o.labelColumn]
            let split = RawSplit(fold: nil, train: try load(o.train, columns: columns).1.map(\.entry),
                                 test: try load(o.test, columns: columns).1.map(\.entry))
            return try builder.build(splits: [split], folds: nil)
        }
        let (table, rows) = try load(file, columns: needed)
        if let foldColumn = o.foldColumn {
            let c = try table.column(foldColumn)
            let folded = try rows.map { ($0.entry, try table.fold($0.row, column: c, folds: nil)) }
            let folds = folded.map(\.1).max() ?? 0
            // Folds must be 1...K with no gap; the first gap is found in O(rows), since a
            // row may claim fold 2^62.
            let present = Set(folded.map(\.1))
            if folds == 0 || present.count != folds, let k = (1...present.count + 1).first(where: { !present.contains($0) }) {
                throw DatasetError.malformedRow(location: table.file, reason: "folds run 1...\(folds) but no row has fold \(k)")
            }
            try DatasetBuilder.checkDuplicates(rows.map(\.entry))
            return try builder.build(splits: DatasetBuilder.foldSplits(folded, folds: folds), folds: folds)
        }
        if let splitColumn = o.splitColumn {
            let c = try table.column(splitColumn)
            var split = RawSplit(fold: nil, train: [], test: [])
            for (entry, row) in rows {
                switch row.fields[c].trimmingSpaces.lowercased() {
                case "train": split.train.append(entry)
                case "test": split.test.append(entry)
                case let other:
                    throw DatasetError.malformedRow(location: "\(table.file):\(row.line)",
                                                    reason: "split '\(DatasetError.shown(other))' is neither 'train' nor 'test'")
                }
            }
            return try builder.build(splits: [split], folds: nil)
        }
        try DatasetBuilder.checkDuplicates(rows.map(\.entry))
        return try builder.build(splits: [DeterministicSplit.trainTest(rows.map(\.entry))], folds: nil)
    }
}
