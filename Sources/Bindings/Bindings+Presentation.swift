import Prompting
import Reports
import ScriptCore

// How results, evaluations and training runs show in reports and charts.

extension ResultsObject: ReportPresentable, BarChartSource {
    /// The paper's Table 2 layout.
    public var reportItems: [Report.Item] {
        guard let t = ReportTable(markdown: ResultsTable.markdown(records), caption: "accuracy (\(records.count) records)") else { return [.text(description)] }
        return [.table(t)]
    }

    /// Accuracy by dataset (groups, plus their average when there are several) and method.
    public var barChart: (groups: [String], series: [String], values: [[Double?]]) { ResultsTable.accuracyChart(records) }
}

extension EvaluationObject: ReportPresentable, ConfusionSource {
    /// The headline and the per-class accuracy table.
    public var reportItems: [Report.Item] {
        let rows = zip(result.classNames, result.perClassAccuracy).map { [$0, fmt4($1)] }
        return [.text(description),
                .table(ReportTable(caption: "per-class accuracy (\(method)): overall \(fmt4(result.accuracy)), macro-F1 \(fmt4(result.macroF1))",
                                   header: ["class", "accuracy"], rows: rows))]
    }

    public var confusion: (classes: [String], counts: [[Int]], title: String) {
        (result.classNames, result.confusion, "confusion matrix (\(method))")
    }
}

extension TrainingReportObject: LossCurveSource {
    public var lossCurve: (name: String, losses: [Double]) { (method, report.epochs.map(\.loss)) }
}
