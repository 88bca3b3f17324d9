import Foundation

/// Where an entry came from, for error messages: a list file and line, or a directory.
struct EntrySource: Sendable {
    var file: String
    var line: Int?
    var description: String { line.map { "\(file):\($0)" } ?? file }
}

/// One labelled file as a layout reader found it, before labels are assigned.
struct Entry: Sendable {
    /// Absolute path.
    var path: String
    /// Reference class string.
    var classname: String
    var source: EntrySource
}

/// One split as a reader describes it (entries, not yet labelled).
struct RawSplit {
    var fold: Int?
    var train: [Entry]
    var test: [Entry]
}

/// Turns what a layout reader found into a checked `Dataset`: assigns sorted labels and checks
/// the rules every layout shares (no duplicate file in a list, no file in both train and test,
/// no class without training items). A known dataset of which only some reference classes are
/// present (ESC-10's rows of ESC-50's `meta/esc50.csv`, a few classes copied out for a quick
/// study) is read with the classes present, sorted as the reference sorts them, and a one-line
/// note in `Dataset.notes`.
///
/// Classes and paths are compared byte for byte (`ExactText`): two labels that differ only in
/// Unicode normalisation are two classes, as in the reference, with a note saying so.
///
/// Labels index the sorted union of the classes of all lists. The reference sorts each CSV's
/// own classes and asserts that train and test agree; here every class must have training
/// items, while a test part that lacks a class is accepted (its labels cannot shift, as they
/// come from the union).
struct DatasetBuilder {
    var name: String
    var layout: String
    var root: String
    /// When set, the classes must be exactly this dataset's reference classes.
    var known: KnownDataset?

    func build(splits raw: [RawSplit], folds: Int?) throws -> Dataset {
        for s in raw {
            try Self.checkDuplicates(s.train)
            try Self.checkDuplicates(s.test)
            let testPaths = Set(s.test.map { ExactText($0.path) })
            if let overlap = s.train.first(where: { testPaths.contains(ExactText($0.path)) }) {
                throw DatasetError.trainTestOverlap(path: overlap.path, fold: s.fold)
            }
        }
        let seenNames = raw.flatMap { $0.train.map(\.classname) + $0.test.map(\.classname) }
        let seen = Set(seenNames.map(ExactText.init))
        let classes: [String]
        var notes: [String] = []
        if let known {
            let missing = known.classes.filter { !seen.contains(ExactText($0)) }
            guard missing.count < known.classes.count else {
                throw DatasetError.emptyClass(name: known.classes[0], location: "no file of any \(known.name) class under \(root)")
            }
            classes = known.classes.filter { seen.contains(ExactText($0)) }
            if !missing.isEmpty {
                let shown = missing.prefix(6).joined(separator: ", ") + (missing.count > 6 ? ", ..." : "")
                notes.append("\(known.name): \(classes.count) of its \(known.classes.count) classes are here (missing: \(shown)); labels index the classes present")
            }
        } else {
            classes = ClassOrder.sorted(seenNames)
        }
        notes += Self.lookAlikeNotes(classes)
        for s in raw {
            let trained = Set(s.train.map { ExactText($0.classname) })
            for c in classes where !trained.contains(ExactText(c)) {
                let part = s.fold.map { "training part of fold \($0)" } ?? "training part"
                throw DatasetError.emptyClass(name: c, location: "\(part) of \(root)")
            }
        }
        let labelOf = Dictionary(uniqueKeysWithValues: classes.enumerated().map { (ExactText($1), $0) })
        func items(_ entries: [Entry]) -> [DatasetItem] {
            entries.map { DatasetItem(path: $0.path, label: labelOf[ExactText($0.classname)]!, classname: $0.classname) }
        }
        let splits = raw.map { DatasetSplit(fold: $0.fold, train: items($0.train), test: items($0.test)) }
        return Dataset(name: name, layout: layout, root: root, classes: classes, folds: folds, splits: splits, notes: notes)
    }

    /// One note per group of classes that look the same but differ in their bytes (NFC and NFD
    /// "café"): they stay separate classes, as written, and the note says so.
    static func lookAlikeNotes(_ classes: [String]) -> [String] {
        var groups: [String: [String]] = [:]   // keyed by canonical equivalence on purpose
        for c in classes { groups[c, default: []].append(c) }
        return groups.values.filter { $0.count > 1 }
            .sorted { ClassOrder.precedes($0[0], $1[0]) }
            .map { group in
                let spelled = group.map { c in
                    "'\(DatasetError.shown(c))' (\(c.unicodeScalars.map { String(format: "U+%04X", $0.value) }.joined(separator: " ")))"
                }
                return "labels \(spelled.joined(separator: " and ")) differ only in Unicode normalisation; "
                    + "they are kept as written, as \(group.count) classes (normalise the list to merge them)"
            }
    }

    /// A file listed twice in one list is a duplicate row (paths compared byte for byte).
    static func checkDuplicates(_ entries: [Entry]) throws {
        var first: [ExactText: EntrySource] = [:]
        for e in entries {
            if let f = first[ExactText(e.path)] {
                throw DatasetError.duplicateRow(file: e.source.file, line: e.source.line ?? 0,
                                                firstLine: f.line ?? 0, path: e.path)
            }
            first[ExactText(e.path)] = e.source
        }
    }

    /// Splits entries whose fold is known: fold k tests on fold k and trains on the others.
    static func foldSplits(_ entries: [(entry: Entry, fold: Int)], folds: Int) -> [RawSplit] {
        (1...folds).map { k in
            RawSplit(fold: k,
                     train: entries.filter { $0.fold != k }.map(\.entry),
                     test: entries.filter { $0.fold == k }.map(\.entry))
        }
    }
}
