import Foundation

/// How a dataset is laid out on disk, parsed from the `LAYOUT` word of `palm dataset LAYOUT ROOT`
/// or the first argument of `dataset(name, root)`.
///
/// Spellings (case-insensitive):
/// - `NAME` (`ESC50`, `esc50`, `gtzan`, ...): the PALM reference layout when ROOT holds
///   `train.csv` or `csv_files/`, otherwise the dataset's original distribution.
/// - `palm:NAME` (or `palm`): the PALM reference layout, whatever else is there.
/// - `original:NAME`: the original distribution, whatever else is there.
/// - `folder`: one sub-folder per class (optionally under `train/` and `test/`).
/// - `csv` or `csv:key=value,...`: any CSV; see `CSVLayoutOptions`.
public enum DatasetLayout: Sendable, Equatable {
    /// Reference layout if present, else original distribution.
    case auto(KnownDataset)
    /// The PALM reference layout (`train.csv`/`test.csv` or `csv_files/train_k.csv`/`test_k.csv`).
    case reference(KnownDataset?)
    /// The dataset's original distribution.
    case original(KnownDataset)
    /// One sub-folder per class.
    case folder
    /// A CSV with configurable columns.
    case csv(CSVLayoutOptions)

    /// Parses a layout spelling (see the type's doc).
    /// - Throws: `DatasetError.unknownDataset` listing the known names, or `.badLayoutOption`.
    public static func parse(_ spec: String) throws -> DatasetLayout {
        let trimmed = spec.trimmingCharacters(in: .whitespaces)
        let (head, tail) = trimmed.firstIndex(of: ":").map {
            (String(trimmed[..<$0]), String(trimmed[trimmed.index(after: $0)...]))
        } ?? (trimmed, nil)
        switch head.lowercased() {
        case "palm", "reference":
            return .reference(try tail.map { try KnownDataset.named($0) })
        case "original":
            guard let tail else { throw DatasetError.badLayoutOption(spec: spec, reason: "name the dataset: original:NAME") }
            return .original(try KnownDataset.named(tail))
        case "folder":
            return .folder
        case "csv":
            return .csv(try CSVLayoutOptions(parsing: tail ?? "", spec: spec))
        default:
            if tail != nil { throw DatasetError.badLayoutOption(spec: spec, reason: "unknown prefix '\(head)' (palm:, original:, csv:)") }
            return .auto(try KnownDataset.named(head))
        }
    }

    /// True when `root` holds the PALM reference layout's lists.
    static func hasReferenceLists(_ root: String) -> Bool {
        DirectoryScan.isFile(root + "/train.csv") || DirectoryScan.isDirectory(root + "/csv_files")
    }

    /// Reads the dataset at `root` (must be a directory; `~` expanded).
    public func read(root: String) throws -> Dataset {
        let root = try DirectoryScan.checkedRoot(root)
        switch self {
        case .auto(let known):
            return try (Self.hasReferenceLists(root) ? DatasetLayout.reference(known) : .original(known)).read(root: root)
        case .reference(let known):
            return try ReferenceLayout.read(root: root, known: known)
        case .original(let known):
            switch known {
            case .esc50: return try ESC50Layout.read(root: root, actionsOnly: false)
            case .esc50Actions: return try ESC50Layout.read(root: root, actionsOnly: true)
            case .urbanSound8K: return try UrbanSound8KLayout.read(root: root)
            case .gtMusicGenre: return try GTZANLayout.read(root: root)
            case .nsInstruments: return try NSynthLayout.read(root: root)
            case .ravdess: return try RAVDESSLayout.read(root: root)
            case .cremaD: return try CREMADLayout.read(root: root)
            case .tut2017: return try TUT2017Layout.read(root: root)
            case .vocalSound, .sesa, .beijingOpera: return try ClassFolderDatasetLayout.read(root: root, known: known)
            }
        case .folder:
            return try FolderLayout.read(root: root)
        case .csv(let options):
            return try CSVLayout.read(root: root, options: options)
        }
    }
}
