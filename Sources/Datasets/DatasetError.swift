import Foundation

/// What can go wrong reading a dataset. Every description names the place (file and line,
/// directory, or key) and what was expected there, so a researcher can fix the data directly.
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

    public var description: String {
        switch self {
        case .missingRoot(let path):
            return "dataset root '\(path)' does not exist or is not a directory"
        case .missingLayoutFile(let path, let layout):
            return "\(path): not found (the \(layout) layout expects this file)"
        case .missingColumn(let file, let column, let found):
            return "\(file):1: missing column '\(column)' (header has: \(found.joined(separator: ", ")))"
        case .malformedRow(let location, let reason):
            return "\(location): \(reason)"
        case .missingFile(let location, let path):
            return "\(location): audio file '\(path)' does not exist"
        case .emptyClass(let name, let location):
            return "class '\(name)' has no items (\(location)); every class needs at least one"
        case .unknownClass(let label, let location, let expected):
            return "\(location): label '\(label)' is not a class of this dataset (expected one of: \(expected.joined(separator: ", ")))"
        case .duplicateRow(let file, let line, let firstLine, let path):
            return "\(file):\(line): duplicate row for '\(path)' (first at line \(firstLine))"
        case .trainTestOverlap(let path, let fold):
            let f = fold.map { "fold \($0)" } ?? "the split"
            return "'\(path)' is in both train and test of \(f)"
        case .noSuchFold(let fold, let dataset, let folds):
            if let folds { return "\(dataset) has folds 1...\(folds); fold \(fold) does not exist" }
            return "\(dataset) has a single train/test split (no folds); fold \(fold) does not exist"
        case .foldRequired(let dataset, let folds):
            return "\(dataset) has \(folds) folds: choose one with fold 1...\(folds)"
        case .unknownDataset(let name, let known):
            return "unknown dataset or layout '\(name)'; known: \(known.joined(separator: ", "))"
        case .badLayoutOption(let spec, let reason):
            return "layout '\(spec)': \(reason)"
        case .unreadableAudio(let path, let reason):
            return "\(path): cannot read audio header (\(reason))"
        }
    }
}

extension DatasetError: LocalizedError {
    public var errorDescription: String? { description }
}
