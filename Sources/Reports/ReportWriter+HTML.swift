import Foundation
import ScriptCore

// The HTML report: one self-contained page (inline CSS, inline SVG, no scripts), one section
// per cell: title, prose, code, then what the cell produced in order. Nothing makes the page
// wider than the window: a wide table (a per-seed table has a column per seed and method)
// scrolls sideways inside its own box, as code and output blocks do; plots shrink to the
// column; a long unbroken word (a path) wraps.

extension Report {
    /// The report as a standalone HTML page.
    public func html() -> String {
        var body = "<h1>\(xmlEscape(title))</h1>\n"
        body += "<p class=\"meta\">palm report, \(ISO8601DateFormatter().string(from: Date()))</p>\n"
        for (i, cell) in cells.enumerated() {
            body += "<section class=\"cell\" id=\"cell-\(i + 1)\">\n"
            if let t = cell.title { body += "<h2>\(Markdown.inline(t))</h2>\n" }
            if !cell.prose.isEmpty { body += "<div class=\"prose\">\n" + Markdown.html(cell.prose.joined(separator: "\n")) + "\n</div>\n" }
            if !cell.code.isEmpty { body += "<pre class=\"code\"><code>\(xmlEscape(cell.code))</code></pre>\n" }
            for item in cell.items { body += Report.html(item) + "\n" }
            if let e = cell.error { body += "<pre class=\"error\">\(xmlEscape(e))</pre>\n" }
            body += "</section>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(xmlEscape(title))</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
            h1 { border-bottom: 2px solid #0072B2; padding-bottom: .3rem; }
            .meta { color: #777; font-size: .85rem; }
            .cell { margin: 2rem 0; padding-top: .5rem; border-top: 1px solid #e5e5e5; }
            h1, h2, .meta, .prose { overflow-wrap: anywhere; }
            pre { padding: .6rem .8rem; overflow-x: auto; max-width: 100%; box-sizing: border-box; font-size: .85rem; border-radius: 4px; }
            pre.code { background: #f6f8fa; border-left: 3px solid #0072B2; }
            pre.output { background: #fff; border: 1px solid #e5e5e5; }
            pre.error { background: #fff0f0; border: 1px solid #e8b4b4; color: #a00; }
            .table-scroll { overflow-x: auto; max-width: 100%; margin: .8rem 0; }
            table { border-collapse: collapse; font-size: .9rem; }
            caption { text-align: left; color: #555; padding-bottom: .3rem; white-space: nowrap; }
            th, td { border: 1px solid #ddd; padding: .3rem .6rem; }
            th { background: #f0f4f8; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            figure.plot { margin: 1rem 0; }
            figure.plot svg { max-width: 100%; height: auto; }
            code { font-family: "SFMono-Regular", Menlo, Consolas, monospace; }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    /// One thing a cell produced, as HTML: text in `<pre>`, a table, an inline SVG plot. The
    /// report page and the Jupyter kernel's rich output (`RichDisplay`) both use it.
    public static func html(_ item: Item) -> String {
        switch item {
        case let .text(t): return "<pre class=\"output\">\(xmlEscape(t))</pre>"
        case let .table(t): return htmlTable(t)
        case let .plot(p): return "<figure class=\"plot\">\(p.svg())</figure>"
        }
    }

    /// A `<table>` in a box that scrolls sideways when the table is wider than the page;
    /// numeric cells are right-aligned.
    static func htmlTable(_ t: ReportTable) -> String {
        var s = "<div class=\"table-scroll\"><table>"
        if !t.caption.isEmpty { s += "<caption>\(xmlEscape(t.caption))</caption>" }
        s += "<thead><tr>" + t.header.map { "<th>\(Markdown.inline($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in t.rows {
            s += "<tr>" + row.map { c in Double(c) != nil ? "<td class=\"num\">\(xmlEscape(c))</td>" : "<td>\(Markdown.inline(c))</td>" }.joined() + "</tr>"
        }
        return s + "</tbody></table></div>"
    }
}
