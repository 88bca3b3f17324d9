import Foundation
import ScriptCore

// SVG rendering of plots for reports: self-contained markup (no scripts, no external fonts),
// sized by a viewBox so it scales with the page.

extension Plot {
    /// Series colours (colour-blind-safe Okabe-Ito palette).
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

    /// The plot as an `<svg>` element.
    public func svg(width: Double = 640, height: Double = 360) -> String {
        switch kind {
        case let .bar(groups, series, values): return barSVG(groups, series, values, width, height)
        case let .line(x, series, values): return lineSVG(x, series, values, width, height)
        case let .heatmap(rows, columns, values): return heatmapSVG(rows, columns, values, width, height)
        }
    }

    private func header(_ w: Double, _ h: Double) -> String {
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(w)) \(n(h))\" width=\"\(n(w))\" height=\"\(n(h))\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\">"
        s += "<title>\(xmlEscape(title.isEmpty ? "plot" : title))</title><rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
        if !title.isEmpty { s += "<text x=\"\(n(w / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(xmlEscape(title))</text>" }
        return s
    }

    /// A "nice" axis: range [lo, hi] covering the values and tick step.
    private func axis(_ values: [Double], includeZero: Bool) -> (lo: Double, hi: Double, ticks: [Double]) {
        var lo = values.min() ?? 0, hi = values.max() ?? 1
        if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
        if hi - lo < 1e-12 { hi = lo + 1 }
        let raw = (hi - lo) / 5
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? raw
        lo = floor(lo / step) * step
        hi = ceil(hi / step) * step
        return (lo, hi, stride(from: lo, through: hi + step / 2, by: step).map { $0 })
    }

    private func frame(_ left: Double, _ top: Double, _ right: Double, _ bottom: Double, _ w: Double, _ h: Double,
                       ticks: [Double], y: (Double) -> Double) -> String {
        var s = ""
        for t in ticks {
            s += "<line x1=\"\(n(left))\" x2=\"\(n(w - right))\" y1=\"\(n(y(t)))\" y2=\"\(n(y(t)))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(n(left - 6))\" y=\"\(n(y(t) + 4))\" text-anchor=\"end\">\(tickLabel(t))</text>"
        }
        s += "<line x1=\"\(n(left))\" x2=\"\(n(left))\" y1=\"\(n(top))\" y2=\"\(n(h - bottom))\" stroke=\"#333\"/>"
        s += "<line x1=\"\(n(left))\" x2=\"\(n(w - right))\" y1=\"\(n(h - bottom))\" y2=\"\(n(h - bottom))\" stroke=\"#333\"/>"
        if !yLabel.isEmpty {
            s += "<text transform=\"translate(14 \(n((top + h - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(xmlEscape(yLabel))</text>"
        }
        if !xLabel.isEmpty { s += "<text x=\"\(n((left + w - right) / 2))\" y=\"\(n(h - 6))\" text-anchor=\"middle\">\(xmlEscape(xLabel))</text>" }
        return s
    }

    private func legend(_ series: [String], x: Double, y: Double) -> String {
        var s = ""
        for (i, name) in series.enumerated() {
            let yy = y + Double(i) * 16
            s += "<rect x=\"\(n(x))\" y=\"\(n(yy - 9))\" width=\"10\" height=\"10\" fill=\"\(Plot.palette[i % Plot.palette.count])\"/>"
            s += "<text x=\"\(n(x + 14))\" y=\"\(n(yy))\">\(xmlEscape(name))</text>"
        }
        return s
    }

    private func barSVG(_ groups: [String], _ series: [String], _ values: [[Double?]], _ w: Double, _ h: Double) -> String {
        let legendWidth = series.count > 1 ? min(160, 20 + 7 * Double(series.map(\.count).max() ?? 0)) : 0
        let left = 56.0, top = title.isEmpty ? 16.0 : 32.0, right = 12 + legendWidth, bottom = 48.0
        let (lo, hi, ticks) = axis(finiteValues, includeZero: true)
        let plotH = h - top - bottom, plotW = w - left - right
        func y(_ v: Double) -> Double { top + plotH * (1 - (v - lo) / (hi - lo)) }
        var s = header(w, h) + frame(left, top, right, bottom, w, h, ticks: ticks, y: y)
        let groupW = plotW / Double(max(groups.count, 1))
        let barW = min(groupW * 0.8 / Double(max(series.count, 1)), 48)
        for (g, name) in groups.enumerated() {
            let gx = left + Double(g) * groupW
            for (k, row) in values.enumerated() {
                guard g < row.count, let v = row[g], v.isFinite else { continue }
                let x = gx + (groupW - barW * Double(series.count)) / 2 + Double(k) * barW
                let y0 = y(max(0, lo)), y1 = y(v)
                s += "<rect x=\"\(n(x))\" y=\"\(n(min(y0, y1)))\" width=\"\(n(max(barW - 1, 1)))\" height=\"\(n(abs(y0 - y1)))\" fill=\"\(Plot.palette[k % Plot.palette.count])\">"
                s += "<title>\(xmlEscape(series[k])) / \(xmlEscape(name)): \(tickLabel(v))</title></rect>"
            }
            s += "<text x=\"\(n(gx + groupW / 2))\" y=\"\(n(h - bottom + 16))\" text-anchor=\"middle\">\(xmlEscape(clip(name, Int(groupW / 6.5))))</text>"
        }
        if series.count > 1 { s += legend(series, x: w - legendWidth, y: top + 10) }
        return s + "</svg>"
    }

    private func lineSVG(_ xs: [Double], _ series: [String], _ values: [[Double?]], _ w: Double, _ h: Double) -> String {
        let legendWidth = min(160, 20 + 7 * Double(series.map(\.count).max() ?? 0))
        let left = 56.0, top = title.isEmpty ? 16.0 : 32.0, right = 12 + legendWidth, bottom = 44.0
        let (lo, hi, ticks) = axis(finiteValues, includeZero: false)
        let finiteX = xs.filter(\.isFinite)
        let xlo = finiteX.min() ?? 0, xhi = max(finiteX.max() ?? 1, xlo + 1e-9)
        let plotH = h - top - bottom, plotW = w - left - right
        func y(_ v: Double) -> Double { top + plotH * (1 - (v - lo) / (hi - lo)) }
        func x(_ v: Double) -> Double { xs.count == 1 ? left + plotW / 2 : left + plotW * (v - xlo) / (xhi - xlo) }
        var s = header(w, h) + frame(left, top, right, bottom, w, h, ticks: ticks, y: y)
        let xTicks = xs.count <= 12 ? xs : axis(finiteX, includeZero: false).ticks.filter { $0 >= xlo && $0 <= xhi }
        for t in xTicks where t.isFinite {
            s += "<text x=\"\(n(x(t)))\" y=\"\(n(h - bottom + 16))\" text-anchor=\"middle\">\(tickLabel(t))</text>"
        }
        // Bands first, under every line: the polygon along the highs, back along the lows.
        for (k, band) in (bands ?? []).enumerated() where k < values.count {
            let spans = zip(xs, band).compactMap { px, b -> (Double, Double, Double)? in
                guard let b, px.isFinite, b.low.isFinite, b.high.isFinite else { return nil }
                return (x(px), y(b.low), y(b.high))
            }
            guard spans.count > 1 else { continue }
            let outline = spans.map { "\(n($0.0)),\(n($0.2))" } + spans.reversed().map { "\(n($0.0)),\(n($0.1))" }
            s += "<polygon fill=\"\(Plot.palette[k % Plot.palette.count])\" fill-opacity=\"0.18\" stroke=\"none\" points=\"" + outline.joined(separator: " ") + "\"/>"
        }
        for (k, row) in values.enumerated() {
            let color = Plot.palette[k % Plot.palette.count]
            let points = zip(xs, row).compactMap { px, py -> (Double, Double)? in
                guard let py, py.isFinite, px.isFinite else { return nil }
                return (x(px), y(py))
            }
            if points.count > 1 {
                s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"" + points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ") + "\"/>"
            }
            if points.count <= 40 {
                for p in points { s += "<circle cx=\"\(n(p.0))\" cy=\"\(n(p.1))\" r=\"3\" fill=\"\(color)\"/>" }
            }
        }
        s += legend(series, x: w - legendWidth, y: top + 10)
        return s + "</svg>"
    }

    private func heatmapSVG(_ rows: [String], _ columns: [String], _ values: [[Double]], _ w: Double, _ h: Double) -> String {
        let labelW = min(140, 12 + 6.5 * Double(rows.map(\.count).max() ?? 0))
        let top = (title.isEmpty ? 16.0 : 32.0) + 70, left = labelW + (yLabel.isEmpty ? 0 : 18)
        let cell = max(6, min((w - left - 10) / Double(max(columns.count, 1)), (h - top - 10) / Double(max(rows.count, 1)), 48))
        let height = top + cell * Double(rows.count) + 16
        let finite = finiteValues
        let lo = min(finite.min() ?? 0, 0), hi = max(finite.max() ?? 1, lo + 1e-9)
        var s = header(w, height)
        for (j, c) in columns.enumerated() {
            let cx = left + (Double(j) + 0.5) * cell
            s += "<text transform=\"translate(\(n(cx + 4)) \(n(top - 4))) rotate(-60)\">\(xmlEscape(clip(c, 14)))</text>"
        }
        if !xLabel.isEmpty { s += "<text x=\"\(n(left))\" y=\"\(n(top - 70 + 4))\" font-style=\"italic\">\(xmlEscape(xLabel)) →</text>" }
        if !yLabel.isEmpty {
            s += "<text transform=\"translate(12 \(n(top + cell * Double(rows.count) / 2))) rotate(-90)\" text-anchor=\"middle\" font-style=\"italic\">\(xmlEscape(yLabel))</text>"
        }
        for (i, r) in rows.enumerated() {
            let cy = top + Double(i) * cell
            s += "<text x=\"\(n(left - 4))\" y=\"\(n(cy + cell / 2 + 4))\" text-anchor=\"end\">\(xmlEscape(clip(r, 20)))</text>"
            for (j, v) in values[i].enumerated() {
                let t = v.isFinite ? (v - lo) / (hi - lo) : 0
                // White to dark blue; text switches to white on dark cells.
                let r = Int(255 - 247 * t), g = Int(255 - 207 * t), b = Int(255 - 148 * t)
                s += "<rect x=\"\(n(left + Double(j) * cell))\" y=\"\(n(cy))\" width=\"\(n(cell))\" height=\"\(n(cell))\" fill=\"rgb(\(r),\(g),\(b))\" stroke=\"#fff\">"
                s += "<title>\(xmlEscape(rows[i])) / \(xmlEscape(columns[j])): \(tickLabel(v))</title></rect>"
                if cell >= 18 {
                    s += "<text x=\"\(n(left + (Double(j) + 0.5) * cell))\" y=\"\(n(cy + cell / 2 + 4))\" text-anchor=\"middle\" fill=\"\(t > 0.5 ? "white" : "#222")\">\(tickLabel(v))</text>"
                }
            }
        }
        return s + "</svg>"
    }

    private func clip(_ s: String, _ max: Int) -> String { s.count <= Swift.max(max, 3) ? s : String(s.prefix(Swift.max(max, 3) - 1)) + "…" }
}

/// A coordinate with at most two decimals.
private func n(_ x: Double) -> String {
    let r = (x * 100).rounded() / 100
    return r == r.rounded() ? String(Int(r)) : String(r)
}

/// An axis or cell label: integers bare, else up to 3 significant decimals.
func tickLabel(_ v: Double) -> String {
    if !v.isFinite { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
    if v == v.rounded(), abs(v) < 1e9 { return String(Int(v)) }
    var s = String(format: "%.3g", v)
    if s.contains("e") { return s }
    while s.contains("."), s.hasSuffix("0") { s.removeLast() }
    return s
}

/// Escapes text for XML and HTML.
func xmlEscape(_ s: String) -> String {
    var out = ""
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}
