import Foundation

/// The PALM reference layout: `<root>/audios/...` with `train.csv` and `test.csv` (columns
/// `path`, relative to the root, and `classname`), or, for folded datasets,
/// `csv_files/train_k.csv` and `csv_files/test_k.csv` for k = 1, 2, ...
///
/// These lists are the authority: class strings are taken exactly as written (not checked
/// against `KnownDataset.classes`), and the folds are the files present (k = 1... contiguous).
enum ReferenceLayout {
    static func read(root: String, known: KnownDataset?) throws -> Dataset {
        let name = known?.name ?? (root as NSString).lastPathComponent
        let layoutName = "PALM reference"
        var raw: [RawSplit] = []
        let folder = root + "/csv_files"
        if DirectoryScan.isDirectory(folder) {
            var k = 1
            while DirectoryScan.isFile("\(folder)/train_\(k).csv") {
                raw.append(RawSplit(fold: k,
                                    train: try list("\(folder)/train_\(k).csv", root: root, layout: layoutName),
                                    test: try list("\(folder)/test_\(k).csv", root: root, layout: layoutName)))
                k += 1
            }
            if raw.isEmpty { throw DatasetError.missingLayoutFile(path: "\(folder)/train_1.csv", layout: layoutName) }
        } else {
            raw.append(RawSplit(fold: nil,
                                train: try list(root + "/train.csv", root: root, layout: layoutName),
                                test: try list(root + "/test.csv", root: root, layout: layoutName)))
        }
        let folds = raw[0].fold == nil ? nil : raw.count
        let layout = folds == nil ? "PALM reference (train.csv, test.csv)" : "PALM reference (csv_files/, \(raw.count) folds)"
        return try DatasetBuilder(name: name, layout: layout, root: root, known: nil).build(splits: raw, folds: folds)
    }

    private static func list(_ path: String, root: String, layout: String) throws -> [Entry] {
        let table = try CSVTable(path: path, layout: layout, columns: ["path", "classname"])
        return try table.entries(pathColumn: "path", labelColumn: "classname", paths: RowPaths(root: root), base: root) { label, source in
            if label.isEmpty { throw DatasetError.malformedRow(location: source.description, reason: "empty classname") }
            return label
        }.map(\.entry)
    }
}
