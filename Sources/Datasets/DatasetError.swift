import Foundation
import Support

/// What can go wrong reading a dataset. Every description names the place (file and line,
/// directory, or key) and what was expected there, so a researcher can fix the data directly.
///
/// Text taken from a file (labels, cells, paths) is shown escaped and shortened (`shown`), so a
/// hostile list cannot write control sequences to the terminal or flood it; a file that is not
/// a table is described (`notATable`, `notText`), never quoted.
public enum DatasetError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The dataset root does not exist or is not a directory.
    case missingRoot(path: String)
    /// A file the layout needs (`train.csv`, `meta/esc50.csv`, ...) is absent.
    case missingLayoutFile(path: String, layout: String)
    /// A CSV (or tab-separated list) lacks a column the layout needs.
    case missingColumn(file: String, column: String, found: [String])
    /// A row or a file name is malformed (wrong number of fields, unparsable value,
    /// unterminated quote, a file name that does not follow the dataset's naming scheme).
    /// `location` is `file:line`, or a path.
    case malformedRow(location: String, reason: String)
    /// A row (`location`: `file:line`, or `file, key 'k'`) names an audio file that is not on disk.
    case missingFile(location: String, path: String)
    /// A class has no items (in the whole dataset or in one split's training part).
    case emptyClass(name: String, location: String)
    /// A label that is not one of the dataset's reference classes.
    case unknownClass(label: String, location: String, expected: [String])
    /// The same file appears twice in one list.
    case duplicateRow(file: String, line: Int, firstLine: Int, path: String)
    /// The same file is in both the train and the test part of one split.
    case trainTestOverlap(path: String, fold: Int?)
    /// A fold that the dataset does not have.
    case noSuchFold(fold: Int, dataset: String, folds: Int?)
    /// A folded dataset asked for a split without a fold.
    case foldRequired(dataset: String, folds: Int)
    /// A dataset or layout name that palm does not know.
    case unknownDataset(name: String, known: [String])
    /// A layout option that is not understood (`csv:labl=...`).
    case badLayoutOption(spec: String, reason: String)
    /// An audio file whose header cannot be read.
    case unreadableAudio(path: String, reason: String)
    /// A path palm will not open: a row's path that leaves the dataset root, is absolute
    /// without the layout's opt-in, holds a NUL or control character, or names something that
    /// is not a regular file (a FIFO would block). `location` is `file:line`, a folder or a path.
    case refusedPath(location: String, path: String, reason: String)
    /// A file read as a list (`csv:file=...`, `train.csv`) whose first line is not a header
    /// with the columns the layout needs; `reason` describes its shape without quoting it.
    case notATable(file: String, expected: [String], reason: String)
    /// A list file that is not text in the expected encoding (`location` is `file:line`).
    case notText(location: String, reason: String)

    public var description: String {
        switch self {
        case .missingRoot(let path):
            return "dataset root '\(Self.printable(path))' does not exist or is not a directory"
        case .missingLayoutFile(let path, let layout):
            return "\(Self.printable(path)): not found (the \(layout) layout expects this file)"
        case .missingColumn(let file, let column, let found):
            return "\(Self.printable(file)):1: missing column '\(Self.shown(column))' (header has: \(found.map { Self.shown($0) }.joined(separator: ", ")))"
        case .malformedRow(let location, let reason):
            return "\(Self.printable(location)): \(reason)"
        case .missingFile(let location, let path):
            return "\(Self.printable(location)): audio file '\(Self.shown(path))' does not exist"
        case .emptyClass(let name, let location):
            return "class '\(Self.shown(name))' has no items (\(location)); every class needs at least one"
        case .unknownClass(let label, let location, let expected):
            return "\(Self.printable(location)): label '\(Self.shown(label))' is not a class of this dataset (expected one of: \(expected.joined(separator: ", ")))"
        case .duplicateRow(let file, let line, let firstLine, let path):
            return "\(Self.printable(file)):\(line): duplicate row for '\(Self.printable(path))' (first at line \(firstLine))"
        case .trainTestOverlap(let path, let fold):
            let f = fold.map { "fold \($0)" } ?? "the split"
            return "'\(Self.printable(path))' is in both train and test of \(f)"
        case .noSuchFold(let fold, let dataset, let folds):
            if let folds { return "\(dataset) has folds 1...\(folds); fold \(fold) does not exist" }
            return "\(dataset) has a single train/test split (no folds); fold \(fold) does not exist"
        case .foldRequired(let dataset, let folds):
            return "\(dataset) has \(folds) folds: choose one with fold 1...\(folds)"
        case .unknownDataset(let name, let known):
            return "unknown dataset or layout '\(Self.shown(name))'; known: \(known.joined(separator: ", "))"
        case .badLayoutOption(let spec, let reason):
            return "layout '\(Self.shown(spec))': \(reason)"
        case .unreadableAudio(let path, let reason):
            return "\(Self.printable(path)): cannot read audio header (\(reason))"
        case .refusedPath(let location, let path, let reason):
            return location == path ? "\(Self.printable(path)) \(reason)" : "\(Self.printable(location)): path '\(Self.shown(path))' \(reason)"
        case .notATable(let file, let expected, let reason):
            let columns = expected.map { "'\(Self.shown($0))'" }.joined(separator: ", ")
            return "\(Self.printable(file)) is not a CSV table with the columns \(columns): \(reason)"
        case .notText(let location, let reason):
            return "\(Self.printable(location)): \(reason)"
        }
    }

    /// A path or location as a message shows it: control characters escaped, never cut (the
    /// place is what the reader needs).
    static func printable(_ text: String) -> String { InputFile.printable(text) }

    /// Longest piece of file text a message shows (in characters).
    static let shownLength = 120

    /// `text` as a message may show it: control characters escaped (`\u{1B}`), and cut to
    /// `shownLength` characters with the length of the rest said, so a 10 MB cell costs one line.
    static func shown(_ text: String) -> String {
        // Cut before escaping, so a huge cell is never copied whole.
        let head = text.unicodeScalars.prefix(shownLength + 1)
        guard head.count > shownLength else { return InputFile.printable(text) }
        return InputFile.printable(String(String.UnicodeScalarView(head.prefix(shownLength)))) + "... (\(text.utf8.count) bytes)"
    }
}

extension DatasetError: LocalizedError {
    public var errorDescription: String? { description }
}
