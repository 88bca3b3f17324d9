/// The original TUT Acoustic Scenes 2017 development set: `meta.txt` (tab-separated
/// `audio/<file>.wav`, scene label, recording id) and `evaluation_setup/fold<k>_train.txt` /
/// `fold<k>_evaluate.txt` (path, label) for k = 1...4; fold k tests on its evaluate list.
/// Scene labels are the reference's strings as they are (`cafe/restaurant`, `city_center`).
/// A list line without a label takes it from `meta.txt`.
enum TUT2017Layout {
    static func read(root: String) throws -> Dataset {
        let known = KnownDataset.tut2017
        let layout = "TUT2017 original (meta.txt, evaluation_setup/)"
        let meta = try CSVTable(path: root + "/meta.txt", layout: layout, delimiter: "\t", hasHeader: false)
        var labels: [ExactText: String] = [:]
        for row in meta.rows where row.fields.count >= 2 { labels[ExactText(row.fields[0])] = row.fields[1] }
        var raw: [RawSplit] = []
        for k in 1...4 {
            raw.append(RawSplit(fold: k,
                train: try list(root + "/evaluation_setup/fold\(k)_train.txt", root: root, labels: labels, layout: layout),
                test: try list(root + "/evaluation_setup/fold\(k)_evaluate.txt", root: root, labels: labels, layout: layout)))
        }
        return try DatasetBuilder(name: known.name, layout: layout, root: root, known: known).build(splits: raw, folds: 4)
    }

    private static func list(_ file: String, root: String, labels: [ExactText: String], layout: String) throws -> [Entry] {
        let table = try CSVTable(path: file, layout: layout, delimiter: "\t", hasHeader: false)
        return try table.rows.map { row in
            let location = "\(file):\(row.line)"
            let relative = row.fields[0].trimmingSpaces
            guard let label = row.fields.count >= 2 ? row.fields[1] : labels[ExactText(relative)] else {
                throw DatasetError.malformedRow(location: location, reason: "the line has one field and its path is not in meta.txt, so it has no scene label (expected PATH<tab>LABEL)")
            }
            let classname = try ClassFolders.reference(label, location: location, known: .tut2017)
            let path = try RowPaths(root: root).file(relative, base: root, at: location)
            return Entry(path: path, classname: classname, source: EntrySource(file: file, line: row.line))
        }
    }
}
