import Foundation
import ScriptCore
import Support
import Tensor

// Plots: the figures of the paper as data (bar chart of accuracy by method and dataset, line
// chart of accuracy vs shots, heat map of a confusion matrix, loss curves), rendered as SVG in
// reports (Plot+SVG.swift) and with Unicode block characters in the terminal
// (Plot+Terminal.swift). The script built-ins `bar`, `line`, `heatmap` and `plot_losses` make them.

/// A chart: what to draw, independent of the medium.
public struct Plot: Sendable {
    public enum Kind: Sendable {
        /// Grouped bars: `values[series][group]` (nil: no bar), e.g. groups = datasets, series = methods.
        case bar(groups: [String], series: [String], values: [[Double?]])
        /// Lines over shared x values: each series has one y (or nil) per x.
        case line(x: [Double], series: [String], values: [[Double?]])
        /// A matrix of cells, e.g. `confusion[true][predicted]`.
        case heatmap(rows: [String], columns: [String], values: [[Double]])
    }
    public var kind: Kind
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// For a line chart: a shaded band around each series, `bands[series][x]` (low, high) or
    /// nil, e.g. the spread over seeds. Drawn in SVG; the terminal shows the lines alone.
    public var bands: [[(low: Double, high: Double)?]]?

    public init(kind: Kind, title: String = "", xLabel: String = "", yLabel: String = "", bands: [[(low: Double, high: Double)?]]? = nil) {
        self.kind = kind
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.bands = bands
    }

    /// Every finite value drawn (for axis ranges), bands included.
    var finiteValues: [Double] {
        let banded = (bands ?? []).flatMap { $0.compactMap { $0 }.flatMap { [$0.low, $0.high] } }
        switch kind {
        case let .bar(_, _, v), let .line(_, _, v): return (v.flatMap { $0.compactMap { $0 } } + banded).filter(\.isFinite)
        case let .heatmap(_, _, v): return v.flatMap { $0 }.filter(\.isFinite)
        }
    }
}

// What the chart builtins draw from host objects, so that `bar(results)`, `heatmap(evaluation)`
// and `plot_losses(training)` work without this target knowing experiments or learners.

/// Something `bar(x)` draws: grouped values (e.g. accuracy by dataset and method).
public protocol BarChartSource {
    /// Group names (x axis), series names (legend) and `values[series][group]` (nil: no bar).
    var barChart: (groups: [String], series: [String], values: [[Double?]]) { get }
}

/// Something `heatmap(x)` draws as a confusion matrix.
public protocol ConfusionSource {
    /// Class names, `counts[true][predicted]`, and a title.
    var confusion: (classes: [String], counts: [[Int]], title: String) { get }
}

/// Something `plot_losses(x)` draws: one loss curve.
public protocol LossCurveSource {
    /// The curve's name and its loss per epoch.
    var lossCurve: (name: String, losses: [Double]) { get }
}

/// A plot in a script: prints as Unicode in the terminal, renders as SVG in reports.
public final class PlotObject: HostObject, ReportPresentable {
    public let plot: Plot
    public init(_ plot: Plot) { self.plot = plot }
    public var reportItems: [Report.Item] { [.plot(plot)] }
    public var typeName: String { "plot" }
    public var typeSummary: String { "a chart: Unicode in the terminal, SVG in reports (save(path) writes the SVG)" }
    public var description: String { plot.terminalText() }
    public var fieldDocs: [(name: String, doc: String)] { [("svg", "the SVG text"), ("title", "the title")] }
    public func field(_ name: String) throws -> Value? {
        switch name {
        case "svg": return .string(plot.svg())
        case "title": return .string(plot.title)
        default: return nil
        }
    }
    public var methods: [Builtin] {
        [Builtin(Doc("plot.save", "Writes the plot as an SVG file.", params: [Param("path", "file to write")])) { [plot] args, _ in
            try AtomicFile.write(plot.svg(), to: (try args.string(0) as NSString).expandingTildeInPath)
            return .nil
        }]
    }
}

extension Interpreter {
    /// Strings of a list argument.
    private func labelList(_ v: Value?, _ context: String) throws -> [String]? {
        try v.map { try $0.asList(context).map(\.displayString) }
    }

    /// Numbers of a list (nil elements allowed) or a 1-d tensor.
    private func numberRow(_ v: Value, _ context: String) throws -> [Double?] {
        if case let .tensor(t) = v { return t.toArray().map { Double($0) } }
        return try v.asList(context).map { e in
            if case .nil = e { return nil }
            return try e.asNumber(context)
        }
    }

    /// Rows of numbers from a list of lists, a 2-d tensor, or one list (one row).
    private func numberRows(_ v: Value, _ context: String) throws -> [[Double?]] {
        if case let .tensor(t) = v {
            guard t.rank <= 2 else { throw ScriptError.runtime("\(context): expected a 1-d or 2-d tensor, found shape \(shapeString(t.shape))") }
            let cols = t.rank == 2 ? t.shape[1] : t.count
            let flat = t.toArray().map { Double($0) }
            return stride(from: 0, to: flat.count, by: max(cols, 1)).map { Array(flat[$0..<min($0 + cols, flat.count)]) }
        }
        let items = try v.asList(context)
        if items.allSatisfy({ if case .list = $0 { return true }; if case .tensor = $0 { return true }; return false }), !items.isEmpty {
            // The rows may all be one long list: what they add up to is checked before copying.
            var total = 0
            for item in items {
                let n: Int
                switch item {
                case let .list(l): n = l.items.count
                case let .tensor(t): n = t.count
                default: n = 0
                }
                let (sum, overflow) = total.addingReportingOverflow(n)
                total = overflow ? Int.max : sum
            }
            try AllocationBudget.require(total, .list)
            return try items.map { try numberRow($0, context) }
        }
        return [try numberRow(v, context)]
    }

    private func strings(_ args: Arguments, _ i: Int, _ d: String) throws -> String {
        try args[i].map { try $0.asString("\(args.callee) argument") } ?? d
    }

    func installPlotBindings() {
        builtin("bar", "A grouped bar chart (the paper's Figure 1): bar(results) draws accuracy by dataset and method; or a map {series: {group: value}}, {group: value}, a list of numbers, or a list of lists [series][group].",
                [Param("data", "results, map or list"), Param("labels", "group names for list data", default: "nil"),
                 Param("series", "series names for list-of-lists data", default: "nil"), Param("title", "title", default: "\"\""),
                 Param("ylabel", "y axis label", default: "\"accuracy\"")], returns: "plot") { args, interp in
            let data = try args.value(0)
            var groups: [String] = [], series: [String] = [], values: [[Double?]] = []
            switch data {
            case let .host(h as BarChartSource):
                (groups, series, values) = h.barChart
            case let .map(m):
                let nested = m.keys.allSatisfy { if case .map = m[$0]! { return true }; return false }
                if nested {
                    series = m.keys
                    // Groups are matched byte for byte, as map keys are (NFC and NFD "café" are two).
                    for k in m.keys { if case let .map(inner) = m[k]! { for g in inner.keys where !groups.contains(where: { $0.utf8.elementsEqual(g.utf8) }) { groups.append(g) } } }
                    values = try series.map { s in
                        guard case let .map(inner) = m[s]! else { return [] }
                        return try groups.map { g in try inner[g].map { try $0.asNumber("bar value") } }
                    }
                } else {
                    groups = m.keys
                    series = [try interp.strings(args, 4, "value")]
                    values = [try groups.map { try m[$0]!.asNumber("bar value") }]
                }
            default:
                values = try interp.numberRows(data, "bar argument 'data'")
                let n = values.map(\.count).max() ?? 0
                groups = try interp.labelList(args[1], "bar argument 'labels'") ?? (0..<n).map { "\($0 + 1)" }
                series = try interp.labelList(args[2], "bar argument 'series'") ?? (values.count == 1 ? [try interp.strings(args, 4, "value")] : (0..<values.count).map { "series \($0 + 1)" })
                guard groups.count == n, series.count == values.count else {
                    throw ScriptError.runtime("bar: \(groups.count) labels and \(series.count) series names for \(values.count) x \(n) values")
                }
                // Ragged rows are padded to the longest: one long row among many short ones
                // asks for rows x longest cells.
                try AllocationBudget.require(AllocationBudget.elementCount(checked: [values.count, n]), .list)
                values = values.map { $0 + Array(repeating: nil, count: n - $0.count) }
            }
            return .host(PlotObject(Plot(kind: .bar(groups: groups, series: series, values: values), title: try interp.strings(args, 3, ""),
                                         xLabel: "", yLabel: try interp.strings(args, 4, "accuracy"))))
        }
        builtin("line", "A line chart (the paper's Figure 5, accuracy vs shots): x values and one or more series (a list, a list of lists, or a map {name: list}).",
                [Param("x", "x values"), Param("y", "list, list of lists, or map {name: list}"), Param("labels", "series names for list data", default: "nil"),
                 Param("title", "title", default: "\"\""), Param("xlabel", "x axis label", default: "\"\""), Param("ylabel", "y axis label", default: "\"\"")],
                returns: "plot") { args, interp in
            let x = try interp.numberRow(try args.value(0), "line argument 'x'").map { $0 ?? .nan }
            var names: [String], rows: [[Double?]]
            if case let .map(m) = try args.value(1) {
                names = m.keys
                rows = try m.keys.map { try interp.numberRow(m[$0]!, "line series '\($0)'") }
            } else {
                rows = try interp.numberRows(try args.value(1), "line argument 'y'")
                names = try interp.labelList(args[2], "line argument 'labels'") ?? (rows.count == 1 ? [try interp.strings(args, 5, "y")] : (0..<rows.count).map { "series \($0 + 1)" })
            }
            guard names.count == rows.count else { throw ScriptError.runtime("line: \(names.count) labels for \(rows.count) series") }
            for (n, r) in zip(names, rows) where r.count != x.count {
                throw ScriptError.runtime("line: series '\(n)' has \(r.count) values for \(x.count) x values")
            }
            return .host(PlotObject(Plot(kind: .line(x: x, series: names, values: rows), title: try interp.strings(args, 3, ""),
                                         xLabel: try interp.strings(args, 4, ""), yLabel: try interp.strings(args, 5, ""))))
        }
        builtin("heatmap", "A heat map: heatmap(evaluation) draws its confusion matrix (rows: true class, columns: predicted); or a matrix (list of lists or 2-d tensor).",
                [Param("data", "evaluation or matrix"), Param("labels", "row (and column) names", default: "nil"),
                 Param("columns", "column names when they differ", default: "nil"), Param("title", "title", default: "\"\"")],
                returns: "plot") { args, interp in
            let data = try args.value(0)
            var rows: [String], cols: [String], values: [[Double]]
            var title = try interp.strings(args, 3, "")
            var xLabel = "", yLabel = ""
            if case let .host(h as ConfusionSource) = data {
                let c = h.confusion
                rows = c.classes
                cols = rows
                values = c.counts.map { $0.map(Double.init) }
                xLabel = "predicted"; yLabel = "true"
                if title.isEmpty { title = c.title }
            } else {
                values = try interp.numberRows(data, "heatmap argument 'data'").map { $0.map { $0 ?? .nan } }
                let n = values.map(\.count).max() ?? 0
                guard values.allSatisfy({ $0.count == n }) else { throw ScriptError.runtime("heatmap: rows of different lengths") }
                rows = try interp.labelList(args[1], "heatmap argument 'labels'") ?? (0..<values.count).map { "\($0)" }
                cols = try interp.labelList(args[2], "heatmap argument 'columns'") ?? (args[1] != nil && values.count == n ? rows : (0..<n).map { "\($0)" })
                guard rows.count == values.count, cols.count == n else { throw ScriptError.runtime("heatmap: \(rows.count) x \(cols.count) labels for a \(values.count) x \(n) matrix") }
            }
            return .host(PlotObject(Plot(kind: .heatmap(rows: rows, columns: cols, values: values), title: title, xLabel: xLabel, yLabel: yLabel)))
        }
        builtin("plot_losses", "Loss curves of training runs: a training report (from fit), a list of them, or a map {name: report}.",
                [Param("runs", "training report(s)"), Param("title", "title", default: "\"training loss\"")], returns: "plot") { args, interp in
            var runs: [(name: String, losses: [Double])] = []
            func add(_ v: Value, _ name: String?) throws {
                guard case let .host(h) = v, let r = h as? LossCurveSource else { throw ScriptError.type(expected: "training report", found: v, context: "plot_losses argument 'runs'") }
                let curve = r.lossCurve
                runs.append((name ?? curve.name, curve.losses))
            }
            switch try args.value(0) {
            case let .map(m): for k in m.keys { try add(m[k]!, k) }
            case let .list(l): for v in l.items { try add(v, nil) }
            case let v: try add(v, nil)
            }
            let epochs = runs.map(\.losses.count).max() ?? 0
            let x = (0..<epochs).map { Double($0 + 1) }
            let values: [[Double?]] = runs.map { r in (0..<epochs).map { $0 < r.losses.count ? r.losses[$0] : nil } }
            return .host(PlotObject(Plot(kind: .line(x: x, series: runs.map(\.name), values: values), title: try interp.strings(args, 1, "training loss"),
                                         xLabel: "epoch", yLabel: "loss")))
        }
    }
}
