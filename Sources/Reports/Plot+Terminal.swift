import Foundation
import ScriptCore

// Unicode rendering of plots for the terminal: horizontal bars with eighth-block precision,
// sparkline rows for line charts, and shaded cells for heat maps.

extension Plot {
    /// The plot as lines of text (what the REPL prints).
    public func terminalText(width: Int = 40) -> String {
        var lines: [String] = []
        if !title.isEmpty { lines.append(title) }
        switch kind {
        case let .bar(groups, series, values): lines += barLines(groups, series, values, width)
        case let .line(x, series, values): lines += lineLines(x, series, values, width)
        case let .heatmap(rows, columns, values): lines += heatmapLines(rows, columns, values)
        }
        // No trailing blanks (padding of the last column).
        return lines.map { l in String(l.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }

    /// A bar of `fraction` (0...1) of `width` cells with eighth-block ends.
    static func blockBar(_ fraction: Double, width: Int) -> String {
        let eighths = Int((max(0, min(1, fraction)) * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }

    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

    private func barLines(_ groups: [String], _ series: [String], _ values: [[Double?]], _ width: Int) -> [String] {
        let top = max(finiteValues.max() ?? 1, 1e-12)
        func bar(_ v: Double?) -> String { v.map { Plot.blockBar($0 / top, width: width) + " " + tickLabel($0) } ?? "-" }
        if series.count == 1 {
            let w = min(24, groups.map(\.count).max() ?? 0)
            return groups.indices.map { g in pad(groups[g], w) + " " + bar(g < values[0].count ? values[0][g] : nil) }
        }
        let w = min(24, series.map(\.count).max() ?? 0)
        var out: [String] = []
        for (g, group) in groups.enumerated() {
            out.append(group)
            for (k, name) in series.enumerated() { out.append("  " + pad(name, w) + " " + bar(g < values[k].count ? values[k][g] : nil)) }
        }
        return out
    }

    private func lineLines(_ xs: [Double], _ series: [String], _ values: [[Double?]], _ width: Int) -> [String] {
        let levels = Array("▁▂▃▄▅▆▇█")
        let all = finiteValues
        let lo = all.min() ?? 0, hi = all.max() ?? 1
        let nameW = min(24, series.map(\.count).max() ?? 0)
        var out: [String] = []
        for (k, name) in series.enumerated() {
            let row = values[k]
            // Long series are resampled to `width` columns.
            let cols = min(row.count, width * 2)
            let spark = String((0..<cols).map { c -> Character in
                let i = row.count <= cols ? c : c * row.count / cols
                guard let v = row[i], v.isFinite else { return " " }
                let t = hi > lo ? (v - lo) / (hi - lo) : 0.5
                return levels[min(levels.count - 1, Int(t * Double(levels.count - 1) + 0.5))]
            })
            let present = row.compactMap { $0 }
            let ends = present.isEmpty ? "" : " \(tickLabel(present.first!)) → \(tickLabel(present.last!))"
            out.append(pad(name, nameW) + " " + spark + ends)
        }
        if let first = xs.first, let last = xs.last {
            out.append(String(repeating: " ", count: nameW + 1) + "\(xLabel.isEmpty ? "x" : xLabel): \(tickLabel(first)) … \(tickLabel(last)); \(yLabel.isEmpty ? "y" : yLabel) in [\(tickLabel(lo)), \(tickLabel(hi))]")
        }
        return out
    }

    private func heatmapLines(_ rows: [String], _ columns: [String], _ values: [[Double]]) -> [String] {
        let shades = [" ", "░", "▒", "▓", "█"]
        let finite = finiteValues
        let lo = min(finite.min() ?? 0, 0), hi = max(finite.max() ?? 1, lo + 1e-12)
        let labelW = min(20, rows.map(\.count).max() ?? 0)
        let cellW = max(3, min(6, (values.flatMap { $0 }.map { tickLabel($0).count }.max() ?? 1) + 1))
        var out: [String] = []
        if !yLabel.isEmpty || !xLabel.isEmpty { out.append("(rows: \(yLabel.isEmpty ? "rows" : yLabel), columns: \(xLabel.isEmpty ? "columns" : xLabel))") }
        out.append(pad("", labelW) + " " + columns.indices.map { pad(String($0), cellW) }.joined())
        for (i, r) in rows.enumerated() {
            var line = pad(String(r.prefix(labelW)), labelW) + " "
            for v in values[i] {
                let t = v.isFinite ? (v - lo) / (hi - lo) : 0
                let shade = shades[min(shades.count - 1, Int(t * Double(shades.count - 1) + 0.5))]
                let text = tickLabel(v)
                line += String(repeating: shade, count: max(0, cellW - 1 - text.count)) + text + " "
            }
            out.append(line)
        }
        out.append("columns: " + columns.enumerated().map { "\($0.offset)=\($0.element)" }.joined(separator: " "))
        return out
    }
}
