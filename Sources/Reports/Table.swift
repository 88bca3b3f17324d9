import Foundation
import ScriptCore

/// A table made by a script (`table(rows, header: [...])`): prints aligned in the terminal,
/// renders as an HTML table in reports.
public final class TableObject: HostObject, ReportPresentable {
    public let table: ReportTable
    public init(_ table: ReportTable) { self.table = table }
    public var reportItems: [Report.Item] { [.table(table)] }
    public var typeName: String { "table" }
    public var typeSummary: String { "rows of cells with a header: aligned text in the terminal, an HTML table in reports" }
    public var description: String {
        let all = [table.header] + table.rows
        let widths = (0..<(all.map(\.count).max() ?? 0)).map { j in all.map { j < $0.count ? $0[j].count : 0 }.max() ?? 0 }
        func line(_ r: [String]) -> String {
            let cells = r.enumerated().map { j, c in c + String(repeating: " ", count: widths[j] - c.count) }
            return String(cells.joined(separator: "  ").reversed().drop { $0 == " " }.reversed())
        }
        var lines = table.caption.isEmpty ? [] : [table.caption]
        lines.append(line(table.header))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines += table.rows.map(line)
        return lines.joined(separator: "\n")
    }
    public var fieldDocs: [(name: String, doc: String)] { [("markdown", "the table as Markdown"), ("rows", "the rows"), ("header", "the header")] }
    public func field(_ name: String) throws -> Value? {
        switch name {
        case "markdown": return .string(Report.markdownTable(table))
        case "rows": return .list(table.rows.map { .list($0.map { .string($0) }) })
        case "header": return .list(table.header.map { .string($0) })
        default: return nil
        }
    }
}

extension Interpreter {
    func installTableBuiltins() {
        builtin("table", "A table from rows (lists of values; numbers shown with 4 decimals unless integral) and a header.",
                [Param("rows", "list of lists"), Param("header", "column names", default: "nil"), Param("caption", "caption", default: "\"\"")],
                returns: "table") { args, _ in
            let rows = try args.value(0).asList("table argument 'rows'").map { row in
                try row.asList("table row").map { v -> String in
                    if case let .number(n) = v, n != n.rounded() { return String(format: "%.4f", n) }
                    return v.displayString
                }
            }
            let n = rows.map(\.count).max() ?? 0
            let header = try args[1].map { try $0.asList("table argument 'header'").map(\.displayString) } ?? (0..<n).map { "\($0 + 1)" }
            return .host(TableObject(ReportTable(caption: try args[2].map { try $0.asString("table caption") } ?? "", header: header, rows: rows)))
        }
    }
}
