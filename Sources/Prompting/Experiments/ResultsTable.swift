import Foundation
import Support

/// Renders experiment records as CSV and as the paper's Table 2 layout.
public enum ResultsTable {
    /// One row per record.
    public static func csv(_ records: [ExperimentRecord]) -> String {
        // A study's columns (the condition, the method's note) appear when a study ran.
        let study = records.contains { $0.condition != nil || $0.note != nil }
        let models = records.contains { $0.model != nil }  // a grid over several models
        var lines = ["dataset,method,seed,fold,shots,accuracy,macro_f1,train_seconds,parameters" + (study ? ",condition,note" : "") + (models ? ",model" : "")]
        for r in records {
            lines.append(CSVFormat.row([r.dataset, r.method, String(r.seed), String(r.fold), String(r.shots), fmt(r.accuracy), fmt(r.macroF1),
                                        String(format: "%.3f", r.trainSeconds), String(r.parameters)] + (study ? [r.condition ?? "", r.note ?? ""] : [])
                                       + (models ? [r.model ?? ""] : [])))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per test clip and cell: `dataset,fold,method,seed,path,label,predicted` with
    /// class names.
    public static func predictionsCSV(_ cells: [CellPredictions]) -> String {
        let study = cells.contains { $0.condition != nil }
        let models = cells.contains { $0.model != nil }
        var lines = ["dataset,fold,method,seed,path,label,predicted" + (study ? ",condition" : "") + (models ? ",model" : "")]
        for c in cells {
            for i in c.labels.indices {
                lines.append(CSVFormat.row([c.dataset, String(c.fold), c.method, String(c.seed), c.paths[i],
                                            c.classNames[c.labels[i]], c.predicted[i] < 0 ? "" : c.classNames[c.predicted[i]]]
                                           + (study ? [c.condition ?? ""] : []) + (models ? [c.model ?? ""] : [])))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Accuracy per (row: dataset and condition, method, seed), folds averaged first, then seeds averaged: the
    /// paper's aggregation.
    public static func accuracyBySeed(_ records: [ExperimentRecord]) -> [String: [String: [UInt64: Double]]] {
        var sums: [String: [String: [UInt64: (Double, Int)]]] = [:]
        for r in records {
            let cur = sums[r.row, default: [:]][r.method, default: [:]][r.seed] ?? (0, 0)
            sums[r.row, default: [:]][r.method, default: [:]][r.seed] = (cur.0 + r.accuracy, cur.1 + 1)
        }
        return sums.mapValues { $0.mapValues { $0.mapValues { $0.0 / Double($0.1) } } }
    }

    /// Mean accuracy of `method` on `dataset` over folds then seeds (the paper's aggregation);
    /// with `dataset` nil, the mean of that over the datasets.
    public static func meanAccuracy(_ records: [ExperimentRecord], method: String, dataset: String?) -> Double? {
        let bySeed = accuracyBySeed(records)
        func one(_ d: String) -> Double? {
            guard let s = bySeed[d]?[method], !s.isEmpty else { return nil }
            return s.values.reduce(0, +) / Double(s.count)
        }
        if let dataset { return one(dataset) }
        let all = records.map(\.row).uniqueInOrder().compactMap(one)
        return all.isEmpty ? nil : all.reduce(0, +) / Double(all.count)
    }

    /// Mean accuracy by dataset (groups, plus their average when there are several) and method
    /// (series): `values[method][dataset]`, the paper's Figure 1 bar chart.
    public static func accuracyChart(_ records: [ExperimentRecord]) -> (groups: [String], series: [String], values: [[Double?]]) {
        var groups = records.map(\.row).uniqueInOrder()
        let series = records.map(\.method).uniqueInOrder()
        var values = series.map { m in groups.map { meanAccuracy(records, method: m, dataset: $0) } }
        if groups.count > 1 {
            groups.append("average")
            for (i, m) in series.enumerated() { values[i].append(meanAccuracy(records, method: m, dataset: nil)) }
        }
        return (groups, series, values)
    }

    /// Accuracy against a parameter swept in the records' conditions (`snr` in
    /// `noise:snr=10,source=white,seed=0`): the parameter's values in increasing order, and per
    /// method the mean over seeds (datasets and folds averaged first) with the band from the
    /// lowest to the highest seed. Nil when no condition carries `key`.
    public static func sweepChart(_ records: [ExperimentRecord], key: String)
        -> (x: [Double], series: [String], values: [[Double?]], bands: [[(low: Double, high: Double)?]])? {
        func value(_ condition: String?) -> Double? {
            guard let condition, let colon = condition.firstIndex(of: ":") else { return nil }
            for part in condition[condition.index(after: colon)...].split(separator: ",") where part.hasPrefix(key + "=") {
                return Double(part.dropFirst(key.count + 1))
            }
            return nil
        }
        var sums: [String: [Double: [UInt64: (Double, Int)]]] = [:]
        for r in records {
            guard let v = value(r.condition) else { continue }
            let cur = sums[r.method, default: [:]][v, default: [:]][r.seed] ?? (0, 0)
            sums[r.method, default: [:]][v, default: [:]][r.seed] = (cur.0 + r.accuracy, cur.1 + 1)
        }
        guard !sums.isEmpty else { return nil }
        let xs = Set(sums.values.flatMap(\.keys)).sorted()
        let series = records.filter { value($0.condition) != nil }.map(\.method).uniqueInOrder()
        var values: [[Double?]] = [], bands: [[(low: Double, high: Double)?]] = []
        for m in series {
            var row: [Double?] = [], band: [(low: Double, high: Double)?] = []
            for x in xs {
                let perSeed = (sums[m]?[x] ?? [:]).values.map { $0.0 / Double($0.1) }
                row.append(perSeed.isEmpty ? nil : perSeed.reduce(0, +) / Double(perSeed.count))
                band.append(perSeed.count > 1 ? (perSeed.min()!, perSeed.max()!) : nil)
            }
            values.append(row)
            bands.append(band)
        }
        return (xs, series, values, bands)
    }

    /// A Markdown table: one row per dataset (plus the average), for each method one column
    /// per seed and their average (a seedless method such as zero-shot: its single seed).
    public static func markdown(_ records: [ExperimentRecord]) -> String {
        let bySeed = accuracyBySeed(records)
        let datasets = records.map(\.row).uniqueInOrder()
        let methods = records.map(\.method).uniqueInOrder()
        let seeds = records.map(\.seed).uniqueInOrder().sorted()
        var header = ["dataset"], align = ["---"]
        for m in methods {
            let s = seedsFor(m, seeds)
            if s.count > 1 { header += s.map { "\(m) s\($0)" }; align += s.map { _ in "---:" } }
            header.append(s.count > 1 ? "\(m) avg" : m)
            align.append("---:")
        }
        var lines = ["| " + header.joined(separator: " | ") + " |", "| " + align.joined(separator: " | ") + " |"]
        var columnValues: [[Double]] = Array(repeating: [], count: header.count - 1)
        for d in datasets {
            var row = [d], col = 0
            for m in methods {
                let s = seedsFor(m, seeds)
                let values = s.map { bySeed[d]?[m]?[$0] }
                if s.count > 1 {
                    for v in values { row.append(v.map(fmt) ?? "-"); if let v { columnValues[col].append(v) }; col += 1 }
                }
                let present = values.compactMap { $0 }
                let avg = present.isEmpty ? nil : present.reduce(0, +) / Double(present.count)
                row.append(avg.map(fmt) ?? "-")
                if let avg { columnValues[col].append(avg) }
                col += 1
            }
            lines.append("| " + row.joined(separator: " | ") + " |")
        }
        if datasets.count > 1 {
            let avgRow = ["**average**"] + columnValues.map { $0.isEmpty ? "-" : fmt($0.reduce(0, +) / Double($0.count)) }
            lines.append("| " + avgRow.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A seedless method (zero-shot) has one column: its first seed.
    private static func seedsFor(_ method: String, _ seeds: [UInt64]) -> [UInt64] {
        let seedless = (try? MethodSpec(method)).map { !$0.kind.usesSeed } ?? false
        return seedless ? Array(seeds.prefix(1)) : seeds
    }

    private static func fmt(_ v: Double) -> String { String(format: "%.4f", v) }

}
