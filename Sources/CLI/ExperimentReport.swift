import Prompting
import Reports
import Support

/// The report `palm experiment --out DIR` writes beside its tables (`DIR/report.html`): the
/// paper's Table 2 layout, accuracy by dataset and method, and one confusion matrix per
/// dataset and method, summed over folds and seeds.
public enum ExperimentReport {
    public static func make(_ outcome: ExperimentOutcome, title: String) -> Report {
        let records = outcome.records
        var cells: [Report.Cell] = []
        var summary: [Report.Item] = []
        if let table = ReportTable(markdown: ResultsTable.markdown(records), caption: "accuracy (\(records.count) cells; folds averaged, then seeds)") {
            summary.append(.table(table))
        }
        let chart = ResultsTable.accuracyChart(records)
        summary.append(.plot(Plot(kind: .bar(groups: chart.groups, series: chart.series, values: chart.values),
                                  title: "accuracy by dataset and method (mean over seeds)", yLabel: "accuracy")))
        if let sweep = ResultsTable.sweepChart(records, key: "snr") {
            summary.append(.plot(Plot(kind: .line(x: sweep.x, series: sweep.series, values: sweep.values),
                                      title: "accuracy vs SNR of the added noise (mean over seeds; band: lowest to highest seed)",
                                      xLabel: "SNR (dB)", yLabel: "accuracy", bands: sweep.bands)))
        }
        cells.append(Report.Cell(title: "Results", prose: [], code: "", items: summary))
        for dataset in outcome.predictions.map(\.dataset).uniqueInOrder() {
            var items: [Report.Item] = []
            for method in outcome.predictions.filter { $0.dataset == dataset }.map(\.method).uniqueInOrder() {
                guard let e = outcome.evaluation(method: method, dataset: dataset) else { continue }
                let clips = e.confusion.reduce(0) { $0 + $1.reduce(0, +) }
                items.append(.plot(Plot(kind: .heatmap(rows: e.classNames, columns: e.classNames, values: e.confusion.map { $0.map(Double.init) }),
                                        title: "\(method): accuracy \(String(format: "%.4f", e.accuracy)) over \(clips) predictions",
                                        xLabel: "predicted", yLabel: "true")))
            }
            cells.append(Report.Cell(title: "Confusion matrices: \(dataset)",
                                     prose: ["Rows are true classes, columns predicted ones, summed over folds and seeds (`predictions.csv` has every clip)."],
                                     code: "", items: items))
        }
        return Report(title: title, cells: cells)
    }
}
