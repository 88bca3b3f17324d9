import Foundation

/// Renders experiment records as CSV and as the paper's Table 2 layout.
public enum ResultsTable {
    /// One row per record.
    public static func csv(_ records: [ExperimentRecord]) -> String {
        var lines = ["dataset,method,seed,fold,shots,accuracy,macro_f1,train_seconds,parameters"]
        for r in records {
            let name = r.dataset.contains(",") ? "\"\(r.dataset)\"" : r.dataset
            lines.append("\(name),\(r.method),\(r.seed),\(r.fold),\(r.shots),\(fmt(r.accuracy)),\(fmt(r.macroF1)),\(String(format: "%.3f", r.trainSeconds)),\(r.parameters)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Accuracy per (dataset, method, seed), folds averaged first, then seeds averaged: the
    /// paper's aggregation.
    public static func accuracyBySeed(_ records: [ExperimentRecord]) -> [String: [String: [UInt64: Double]]] {
        var sums: [String: [String: [UInt64: (Double, Int)]]] = [:]
        for r in records {
            let cur = sums[r.dataset, default: [:]][r.method, default: [:]][r.seed] ?? (0, 0)
            sums[r.dataset, default: [:]][r.method, default: [:]][r.seed] = (cur.0 + r.accuracy, cur.1 + 1)
        }
        return sums.mapValues { $0.mapValues { $0.mapValues { $0.0 / Double($0.1) } } }
    }

    /// A Markdown table: one row per dataset (plus the average), for each method one column
    /// per seed and their average (a seedless method such as zero-shot: its single seed).
    public static func markdown(_ records: [ExperimentRecord]) -> String {
        let bySeed = accuracyBySeed(records)
        let datasets = orderedUnique(records.map(\.dataset))
        let methods = orderedUnique(records.map(\.method))
        let seeds = orderedUnique(records.map(\.seed)).sorted()
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

    private static func orderedUnique<T: Hashable>(_ xs: [T]) -> [T] {
        var seen = Set<T>()
        return xs.filter { seen.insert($0).inserted }
    }
}
