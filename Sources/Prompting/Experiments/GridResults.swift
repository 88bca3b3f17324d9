import Foundation
import Support

/// What one finished cell leaves, in one file: its records (one, or one per condition a study
/// evaluates: base, novel, all, ...) and the per-clip predictions behind them.
public struct CellResult: Codable, Sendable, Equatable {
    /// The cell's key (`GridCell.key`).
    public var key: String
    public var records: [ExperimentRecord]
    public var predictions: [CellPredictions]
    public init(key: String, records: [ExperimentRecord], predictions: [CellPredictions]) {
        self.key = key
        self.records = records
        self.predictions = predictions
    }
}

extension CellResult {
    /// The result with every record and prediction labelled with `model` (unchanged when nil).
    func labelled(model: String?) -> CellResult {
        guard let model else { return self }
        var copy = self
        for i in copy.records.indices { copy.records[i].model = model }
        for i in copy.predictions.indices { copy.predictions[i].model = model }
        return copy
    }
}

/// An experiment's output folder.
///
/// Each finished cell is one file, `cells/<cell>.json` (`CellResult`), written atomically by
/// whoever ran the cell: the local loop, or one task of a cluster job array, so concurrent
/// tasks never write the same file and a killed task leaves nothing behind. The tables
/// (`results.json`, `results.csv`, `table.md`, `predictions.csv`) are derived from the cell
/// files by `writeTables`, in the grid's own cell order, so the local run and a cluster run's
/// merge job write the same tables.
///
/// Folders written before cell files existed (records in `results.json`, predictions in
/// `predictions/*.json`) are migrated to cell files when first read, so such a run resumes.
public struct GridResults {
    /// The output folder.
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// Where `cell`'s result lives.
    public func cellFile(_ cell: GridCell) -> String { path("cells/" + cell.fileName) }

    /// Writes a finished cell's result (atomically).
    public func write(_ result: CellResult, for cell: GridCell) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(encoder.encode(result), to: cellFile(cell), createDirectory: true)
    }

    /// Every finished cell's result, keyed by cell key. A folder of an older palm version (no
    /// `cells/`; records in `results.json`, predictions in `predictions/`) is first migrated
    /// into cell files, so from then on the cell files alone say what is done.
    public func load() throws -> [String: CellResult] {
        if !FileManager.default.fileExists(atPath: path("cells")), FileManager.default.fileExists(atPath: path("results.json")) {
            try migrateLegacyFolder()
        }
        var results: [String: CellResult] = [:]
        for file in try jsonFiles(in: "cells") {
            let result = try decode(CellResult.self, file)
            results[result.key] = result
        }
        return results
    }

    private func migrateLegacyFolder() throws {
        let records = try decode([ExperimentRecord].self, path("results.json"))
        var predictions: [String: CellPredictions] = [:]
        for file in try jsonFiles(in: "predictions") {
            let cell = try decode(CellPredictions.self, file)
            predictions[cell.key] = cell
        }
        for r in records {
            // Cells of versions before per-clip predictions keep their record only.
            let p = predictions[r.key] ?? CellPredictions(dataset: r.dataset, method: r.method, seed: r.seed, fold: r.fold, shots: r.shots,
                                                          classNames: [], paths: [], labels: [], predicted: [], protocolName: r.protocolName)
            let cell = GridCell(dataset: r.dataset, fold: r.fold, seed: r.seed, method: r.method, shots: r.shots, protocolName: r.protocolName,
                                isCheap: false)
            try write(CellResult(key: cell.key, records: [r], predictions: p.labels.isEmpty ? [] : [p]), for: cell)
        }
        try FileManager.default.createDirectory(atPath: path("cells"), withIntermediateDirectories: true)
    }

    /// The outcome the tables show: the cells of `order` that are finished, in that order, then
    /// any other finished cells (from earlier runs of a larger grid) in key order.
    /// - Parameter finished: the finished cells, when already loaded (`load()` otherwise).
    public func outcome(order: [GridCell], finished: [String: CellResult]? = nil) throws -> ExperimentOutcome {
        var results = try finished ?? load()
        var ordered: [CellResult] = []
        for cell in order { if let r = results.removeValue(forKey: cell.key) { ordered.append(r) } }
        ordered += results.keys.sorted().map { results[$0]! }
        return ExperimentOutcome(records: ordered.flatMap(\.records), predictions: ordered.flatMap(\.predictions).filter { !$0.labels.isEmpty })
    }

    /// Rewrites `results.json`, `results.csv`, `table.md` and `predictions.csv` from `outcome`.
    public func writeTables(_ outcome: ExperimentOutcome) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(outcome.records), to: path("results.json"), createDirectory: true)
        try AtomicFile.write(ResultsTable.csv(outcome.records), to: path("results.csv"))
        try AtomicFile.write(ResultsTable.markdown(outcome.records), to: path("table.md"))
        try AtomicFile.write(ResultsTable.predictionsCSV(outcome.predictions), to: path("predictions.csv"))
    }

    private func jsonFiles(in folder: String) throws -> [String] {
        let dir = path(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        // Hidden names are temporary files of writers that have not renamed yet (or died).
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { dir + "/" + $0 }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ file: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw PromptingError.invalidData("\(file): cannot resume from it (\(error)); move it away (a cell file moved away runs again)")
        }
    }
}
