import Foundation

/// A delimited text table (CSV with RFC 4180 quoting, or tab-separated lists) with the line
/// number of every row, so errors can point at `file:line`.
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

    /// Reads `path` (`layout` names the reader in the error when the file is absent). With `hasHeader`, the first non-empty line names the columns.
    /// Blank lines are skipped; a row with a different field count than the header is an error.
    init(path: String, layout: String, delimiter: Character = ",", hasHeader: Bool = true) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError.missingLayoutFile(path: path, layout: layout)
        }
        let text = String(decoding: data, as: UTF8.self)
        file = path
        var records = try Self.parse(text, delimiter: delimiter, file: path)
        if hasHeader, !records.isEmpty {
            header = records.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces) }
            if let first = header.first, first.hasPrefix("\u{FEFF}") { header[0] = String(first.dropFirst()) }
            for r in records where r.fields.count != header.count {
                throw DatasetError.malformedRow(location: "\(path):\(r.line)",
                    reason: "expected \(header.count) fields (\(header.joined(separator: ","))), found \(r.fields.count)")
            }
        } else {
            header = []
        }
        rows = records
    }

    /// Index of `name` in the header.
    /// - Throws: `DatasetError.missingColumn` naming the file and the columns it has.
    func column(_ name: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw DatasetError.missingColumn(file: file, column: name, found: header)
        }
        return i
    }

    /// Splits text into records, honouring double-quoted fields (with `""` escapes and
    /// embedded newlines) and both `\n` and `\r\n` line ends.
    static func parse(_ text: String, delimiter: Character, file: String) throws -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var rowLine = 1
        var fieldWasQuoted = false
        var iterator = text.makeIterator()
        var pending: Character? = nil

        func endRow() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) {
                rows.append(Row(line: rowLine, fields: fields))
            }
            fields = []
            field = ""
            fieldWasQuoted = false
        }

        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let n = iterator.next() {
                        if n == "\"" { field.append("\"") } else { inQuotes = false; pending = n }
                    } else { inQuotes = false }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                inQuotes = true
                fieldWasQuoted = true
            case delimiter:
                fields.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                endRow()
                line += 1
                rowLine = line
            default:
                field.append(c)
            }
        }
        if inQuotes {
            throw DatasetError.malformedRow(location: "\(file):\(rowLine)", reason: "unterminated quoted field")
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRow() }
        return rows
    }
}

extension CSVTable {
    /// The rows as entries: `pathColumn` resolved against `base` (must exist on disk),
    /// `labelColumn` passed through `classname`, which returns the reference class string, nil
    /// to leave the row out, or throws (e.g. `unknownClass`).
    func entries(pathColumn: String, labelColumn: String, base: String,
                 path makePath: ((String, Row) throws -> String)? = nil,
                 classname: (String, EntrySource) throws -> String?) throws -> [(entry: Entry, row: Row)] {
        let p = try column(pathColumn)
        let l = try column(labelColumn)
        var out: [(entry: Entry, row: Row)] = []
        for row in rows {
            let source = EntrySource(file: file, line: row.line)
            let label = row.fields[l].trimmingCharacters(in: .whitespaces)
            guard let name = try classname(label, source) else { continue }
            let relative = row.fields[p].trimmingCharacters(in: .whitespaces)
            let path = try makePath?(relative, row) ?? DirectoryScan.resolve(relative, against: base)
            guard DirectoryScan.isFile(path) else {
                throw DatasetError.missingFile(location: source.description, path: relative)
            }
            out.append((Entry(path: path, classname: name, source: source), row))
        }
        return out
    }

    /// Parses `row`'s `column` as a fold number in `1...folds`.
    func fold(_ row: Row, column: Int, folds: Int?) throws -> Int {
        let text = row.fields[column].trimmingCharacters(in: .whitespaces)
        guard let k = Int(text), k >= 1, folds.map({ k <= $0 }) ?? true else {
            let range = folds.map { "1...\($0)" } ?? "a positive integer"
            throw DatasetError.malformedRow(location: "\(file):\(row.line)",
                                            reason: "fold '\(text)' is not \(range)")
        }
        return k
    }
}
