import Foundation

/// A delimited text table (CSV with RFC 4180 quoting, or tab-separated lists) with the line
/// number of every row, so errors can point at `file:line`.
///
/// The file is read through `ListFile` (a regular file, UTF-8 or the encoding given) and split
/// by `CSVScanner` in one pass. A file whose first line does not hold the columns asked for is
/// described in the error (`DatasetError.notATable`: how many fields its first line has), not
/// quoted: `csv:file=/etc/shadow` must not print a password hash. Header names are listed in
/// errors only when the file is a table (`headerIsShowable`).
struct CSVTable {
    /// One data row and the 1-based line of the file it starts on.
    struct Row {
        var line: Int
        var fields: [String]
    }

    /// The file, as given (used in error messages).
    var file: String
    /// Column names, or empty when the table was read without a header.
    var header: [String]
    var rows: [Row]
    /// True when error messages may list the header's names: the file parsed as a table (two
    /// columns or more, every row as wide as the header) whose names are short printable text.
    var headerIsShowable: Bool

    /// Longest header name a message lists (bytes).
    static let showableNameLength = 64

    /// Reads `path` (`layout` names the reader in the error when the file is absent). With
    /// `hasHeader`, the first non-empty line names the columns, which must include `columns`.
    /// Blank lines are skipped; a row with a different field count than the header is an error.
    /// - Parameter delimiter: an ASCII character other than `"` and line breaks.
    /// - Throws: `DatasetError` (`missingLayoutFile`, `notText`, `notATable`, `missingColumn`,
    ///   `malformedRow`), `InputFileError` for a path that is not a regular file.
    init(path: String, layout: String, delimiter: Character = ",", hasHeader: Bool = true,
         encoding: TextEncoding = .utf8, columns: [String] = []) throws {
        guard let separator = delimiter.asciiValue else {
            throw DatasetError.badLayoutOption(spec: "delimiter=\(delimiter)", reason: "the delimiter must be one ASCII character")
        }
        file = path
        var records = try CSVScanner.records(try ListFile.text(path, layout: layout, encoding: encoding),
                                             delimiter: separator, file: path)
        guard hasHeader else {
            header = []
            rows = records
            headerIsShowable = false
            return
        }
        guard !records.isEmpty else {
            throw DatasetError.notATable(file: path, expected: columns, reason: "it has no header line (the file is empty)")
        }
        let first = records.removeFirst()
        header = first.fields.map(\.trimmingSpaces)
        rows = records
        let width = header.count
        headerIsShowable = width >= 2 && records.allSatisfy { $0.fields.count == width }
            && header.allSatisfy(Self.isShowableName)
        if let missing = columns.first(where: { !hasColumn($0) }) {
            throw headerIsShowable ? DatasetError.missingColumn(file: path, column: missing, found: header)
                                   : notATable(expected: columns, missing: columns.filter { !hasColumn($0) })
        }
        // Counted, not shown: a file with rows of other widths is no table (see headerIsShowable).
        if let r = rows.first(where: { $0.fields.count != width }) {
            throw DatasetError.malformedRow(location: "\(path):\(r.line)",
                reason: "expected \(width) field\(width == 1 ? "" : "s") as in the header on line \(first.line), found \(r.fields.count)")
        }
    }

    /// Index of `name` in the header.
    /// - Throws: `DatasetError.missingColumn` naming the file and its columns when the file is a
    ///   table, else `.notATable` describing its first line.
    func column(_ name: String) throws -> Int {
        if let i = header.firstIndex(where: { $0.isIdentical(to: name) }) { return i }
        throw headerIsShowable ? DatasetError.missingColumn(file: file, column: name, found: header)
                               : notATable(expected: [name], missing: [name])
    }

    /// True when the header has a column named exactly `name`.
    func hasColumn(_ name: String) -> Bool { header.contains { $0.isIdentical(to: name) } }

    /// The error for a file that lacks `missing` of the columns `expected` and is not shown:
    /// its first line is described by its width alone.
    private func notATable(expected: [String], missing: [String]) -> DatasetError {
        let fields = "\(header.count) field\(header.count == 1 ? "" : "s")"
        let names = missing.map { "'\(DatasetError.shown($0))'" }.joined(separator: ", ")
        return .notATable(file: file, expected: expected,
            reason: "its first line has \(fields) and no column named \(names) "
                + "(palm does not print the lines of a file that is not a table)")
    }

    /// A header name a message may show: 1...64 bytes of printable text.
    static func isShowableName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= showableNameLength
            && name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) && $0 != "\u{FFFD}" }
    }
}

extension CSVTable {
    /// The rows as entries: `pathColumn` resolved by `paths` against `base` (or the directory
    /// `baseOf` gives for the row), `labelColumn` passed through `classname`, which returns the
    /// reference class string, nil to leave the row out, or throws (e.g. `unknownClass`).
    func entries(pathColumn: String, labelColumn: String, paths: RowPaths, base: String,
                 baseOf: ((Row) throws -> String)? = nil,
                 classname: (String, EntrySource) throws -> String?) throws -> [(entry: Entry, row: Row)] {
        let p = try column(pathColumn)
        let l = try column(labelColumn)
        var out: [(entry: Entry, row: Row)] = []
        for row in rows {
            let source = EntrySource(file: file, line: row.line)
            let label = row.fields[l].trimmingSpaces
            guard let name = try classname(label, source) else { continue }
            let cell = row.fields[p].trimmingSpaces
            let path = try paths.file(cell, base: try baseOf?(row) ?? base, at: source.description)
            out.append((Entry(path: path, classname: name, source: source), row))
        }
        return out
    }

    /// Parses `row`'s `column` as a fold number in `1...folds`.
    func fold(_ row: Row, column: Int, folds: Int?) throws -> Int {
        let text = row.fields[column].trimmingSpaces
        guard let k = Int(text), k >= 1, folds.map({ k <= $0 }) ?? true else {
            let range = folds.map { "1...\($0)" } ?? "a positive integer"
            throw DatasetError.malformedRow(location: "\(file):\(row.line)",
                                            reason: "fold '\(DatasetError.shown(text))' is not \(range)")
        }
        return k
    }
}
