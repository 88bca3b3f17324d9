import Foundation
import ScriptCore

/// A value as a MIME bundle, what a notebook front-end (the Jupyter kernel) shows: always
/// `text/plain` (the terminal's text), plus the report's own renderings where the value has
/// them: `image/svg+xml` for a plot, `text/html` for tables and for anything that presents
/// several items (an evaluation's headline and per-class table). The HTML is the report
/// page's (`Report.htmlTable`, `Plot.svg`), so a cell looks as it does in `--report`.
public enum RichDisplay {
    /// The MIME types and their data for `value`.
    public static func bundle(for value: Value) -> [String: String] {
        var out = ["text/plain": value.repr]
        let items = Report.items(for: value)
        // A value that shows as plain text has nothing richer.
        if items.count == 1, case .text = items[0] { return out }
        if items.count == 1, case let .plot(p) = items[0] {
            out["image/svg+xml"] = p.svg()
            return out
        }
        out["text/html"] = html(items)
        return out
    }

    /// Items as an HTML fragment (no page around it), as the report page shows them.
    public static func html(_ items: [Report.Item]) -> String {
        items.map(Report.html).joined(separator: "\n")
    }
}
