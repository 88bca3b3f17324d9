import Foundation
import ScriptCore
import Support

// The Markdown report: cells as sections, code and output as fenced blocks, tables as
// Markdown tables, and plots as SVG files in `<report>_files/` linked as images (Markdown
// viewers such as GitHub's do not render inline SVG).

extension Report {
    /// The report as Markdown; plots are written as SVG files into `<assetsDirectory
    /// without extension>_files/`. With `assetsDirectory` nil, plots are inlined as `<svg>`.
    public func markdown(assetsDirectory reportPath: String? = nil) throws -> String {
        var out = "# \(title)\n"
        var plotCount = 0
        let assets = reportPath.map { (($0 as NSString).deletingPathExtension) + "_files" }
        for cell in cells {
            out += "\n## \(cell.title ?? "")\n".replacingOccurrences(of: "## \n", with: "---\n")
            if !cell.prose.isEmpty { out += "\n" + cell.prose.joined(separator: "\n") + "\n" }
            if !cell.code.isEmpty { out += "\n```palm\n\(cell.code)\n```\n" }
            for item in cell.items {
                switch item {
                case let .text(t): out += "\n```text\n\(t)\n```\n"
                case let .table(t): out += "\n" + Report.markdownTable(t)
                case let .plot(p):
                    plotCount += 1
                    if let assets {
                        let name = "plot-\(plotCount).svg"
                        try AtomicFile.write(p.svg(), to: assets + "/" + name, createDirectory: true)
                        let alt = p.title.isEmpty ? "plot \(plotCount)" : p.title
                        out += "\n![\(alt)](\((assets as NSString).lastPathComponent)/\(name))\n"
                    } else {
                        out += "\n" + p.svg() + "\n"
                    }
                }
            }
            if let e = cell.error { out += "\n**error:**\n\n```text\n\(e)\n```\n" }
        }
        return out
    }

    static func markdownTable(_ t: ReportTable) -> String {
        func row(_ cells: [String]) -> String { "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
        var s = t.caption.isEmpty ? "" : "*\(t.caption)*\n\n"
        s += row(t.header) + row(t.header.map { _ in "---" })
        for r in t.rows { s += row(r) }
        return s
    }
}
