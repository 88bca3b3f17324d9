/// Splits delimited text into records in one pass over its UTF-8 bytes (RFC 4180 quoting):
/// a field that starts with `"` runs to the matching `"`, with `""` standing for one quote and
/// line breaks kept inside; rows end at `\n`, `\r\n` or a lone `\r`; a line with nothing on it
/// is skipped. Cost is linear in the bytes, whatever the length of a line or field (a 10 MB
/// field is copied once). Runs of ordinary bytes are copied whole, and only ASCII bytes are
/// special, so multi-byte UTF-8 sequences pass through untouched.
enum CSVScanner {
    private static let quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// The records of `bytes` (valid UTF-8) with the 1-based line each starts on.
    /// - Parameters:
    ///   - delimiter: an ASCII byte other than `"`, `\r` and `\n`.
    ///   - file: names the file in the error.
    /// - Throws: `DatasetError.malformedRow` at the line of a quoted field that never ends.
    static func records(_ bytes: [UInt8], delimiter: UInt8, file: String) throws -> [CSVTable.Row] {
        precondition(delimiter < 0x80 && delimiter != quote && delimiter != lf && delimiter != cr,
                     "CSV delimiter must be an ASCII byte other than a quote or a line break")
        return try bytes.withUnsafeBufferPointer { buf in
            var rows: [CSVTable.Row] = []
            var fields: [String] = []
            var field: [UInt8] = []
            var quoted = false          // the current field opened with a quote
            var line = 1
            var rowLine = 1
            var i = 0
            let n = buf.count

            func appendRun(_ from: Int, _ to: Int) {
                if to > from { field.append(contentsOf: UnsafeBufferPointer(rebasing: buf[from..<to])) }
            }
            func endField() {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: field.count < 1 << 16)
                quoted = false
            }
            func endRow() {
                let blank = fields.isEmpty && field.isEmpty && !quoted
                endField()
                if !blank { rows.append(CSVTable.Row(line: rowLine, fields: fields)) }
                fields.removeAll(keepingCapacity: true)
            }
            /// True at a line end, which it steps over (counting the line).
            func lineEnd(at k: inout Int) -> Bool {
                if buf[k] == lf { k += 1; line += 1; return true }
                if buf[k] == cr { k += (k + 1 < n && buf[k + 1] == lf) ? 2 : 1; line += 1; return true }
                return false
            }

            while i < n {
                // A field starts here.
                if buf[i] == quote {
                    quoted = true
                    var j = i + 1
                    while true {
                        var q = j
                        while q < n && buf[q] != quote {
                            if buf[q] == lf || (buf[q] == cr && (q + 1 >= n || buf[q + 1] != lf)) { line += 1 }
                            q += 1
                        }
                        guard q < n else {
                            throw DatasetError.malformedRow(location: "\(file):\(rowLine)", reason: "unterminated quoted field")
                        }
                        appendRun(j, q)
                        if q + 1 < n && buf[q + 1] == quote {
                            field.append(quote)
                            j = q + 2
                        } else {
                            i = q + 1
                            break
                        }
                    }
                }
                // The rest of the field (all of it when unquoted; after a closing quote, kept as written).
                let start = i
                while i < n && buf[i] != delimiter && buf[i] != lf && buf[i] != cr { i += 1 }
                appendRun(start, i)
                if i == n { break }
                if buf[i] == delimiter {
                    endField()
                    i += 1
                    if i == n { endRow() }   // a trailing delimiter leaves one empty field
                    continue
                }
                _ = lineEnd(at: &i)
                endRow()
                rowLine = line
            }
            if !field.isEmpty || !fields.isEmpty || quoted { endRow() }
            return rows
        }
    }
}
