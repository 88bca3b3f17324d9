import Foundation
import Support

/// A Jupyter notebook (`.ipynb`, nbformat 4) of palm cells: code cells and Markdown cells,
/// read and written as JSON. Outputs read from a file are dropped: palm notebooks are sources
/// (the kernel fills outputs in Jupyter); `palm run notebook.ipynb --output run.ipynb` sets
/// them on the cells it ran. Conversion to and from palm scripts is in
/// `JupyterNotebook+Script.swift`.
public struct JupyterNotebook: Equatable {
    /// One cell.
    public struct Cell: Equatable {
        public enum Kind: String, Equatable { case code, markdown }
        public var kind: Kind
        /// The cell's text (lines joined with newlines, no final newline).
        public var source: String
        /// Where the script conversion cannot tell from the cells alone whether this cell
        /// starts a `#%%` cell of the script (true) or continues one (false), it says so
        /// (saved as the cell metadata `palm.starts_cell`); nil otherwise.
        public var startsScriptCell: Bool?
        /// A code cell's outputs as nbformat output objects, and its `In [n]` number, once run.
        public var outputs: [JSONValue] = []
        public var executionCount: Int?

        public init(_ kind: Kind, _ source: String, startsScriptCell: Bool? = nil) {
            self.kind = kind
            self.source = source
            self.startsScriptCell = startsScriptCell
        }
    }

    public var cells: [Cell]

    public init(cells: [Cell]) { self.cells = cells }

    /// The kernel notebooks name (`metadata.kernelspec.name`), as the kernelspec is installed.
    public static let kernelName = "palm"

    /// palm as notebooks and `kernel_info_reply` describe it (`metadata.language_info`). palm
    /// has no Pygments lexer of its own; Python's reads `#` comments, strings and numbers as
    /// palm writes them.
    public static let languageInfo: JSONValue = [
        "name": "palm", "version": "1.0", "mimetype": "text/x-palm", "file_extension": ".palm",
        "pygments_lexer": "python", "codemirror_mode": "python",
    ]

    /// A notebook that cannot be read, naming the file and what is wrong.
    public struct FormatError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the notebook `data` (`what` names it in errors). Raw cells are skipped; cell
    /// sources may be strings or lists of lines.
    public init(json data: Data, what: String) throws {
        let json: JSONValue
        do { json = try JSONValue.parse(data, what: what) } catch { throw FormatError(description: "\(error)") }
        guard let format = json["nbformat"]?.intValue, format == 4 else {
            throw FormatError(description: "\(what) is not an nbformat 4 notebook (its 'nbformat' is \(json["nbformat"].map { "\(String(decoding: $0.encoded(), as: UTF8.self))" } ?? "missing"))")
        }
        guard let items = json["cells"]?.arrayValue else { throw FormatError(description: "\(what) has no 'cells' list") }
        cells = try items.enumerated().compactMap { i, item in
            guard let type = item["cell_type"]?.stringValue else { throw FormatError(description: "\(what): cell \(i + 1) has no 'cell_type'") }
            guard type != "raw" else { return nil }
            guard let kind = Cell.Kind(rawValue: type) else { throw FormatError(description: "\(what): cell \(i + 1) has an unknown cell_type '\(type)'") }
            let source: String
            switch item["source"] {
            case let .string(s)?: source = s
            case let .array(parts)?: source = parts.compactMap(\.stringValue).joined()
            default: throw FormatError(description: "\(what): cell \(i + 1) has no 'source' text")
            }
            return Cell(kind, source, startsScriptCell: item["metadata"]?["palm"]?["starts_cell"]?.boolValue)
        }
    }

    /// Reads the notebook file at `path`, which must be a regular file (a FIFO or device is
    /// refused before it is opened, as scripts are).
    public init(path: String) throws {
        do { _ = try InputFile.requireRegular(path, role: "notebook") } catch { throw FormatError(description: "\(error)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw FormatError(description: "cannot read the notebook \(path)") }
        try self.init(json: data, what: "notebook \(path)")
    }

    /// The notebook as nbformat 4.5 JSON, one-space indented with sorted keys as Jupyter
    /// writes it; cell ids are their positions (`cell-1`, ...), so the same cells always give
    /// the same bytes.
    public func json() -> Data {
        let items: [JSONValue] = cells.enumerated().map { i, cell in
            var item: [String: JSONValue] = [
                "cell_type": .string(cell.kind.rawValue),
                "id": .string("cell-\(i + 1)"),
                "metadata": cell.startsScriptCell.map { ["palm": ["starts_cell": .bool($0)]] } ?? [:],
                "source": .array(Self.sourceLines(cell.source).map { .string($0) }),
            ]
            if cell.kind == .code {
                item["execution_count"] = cell.executionCount.map { .number(Double($0)) } ?? .null
                item["outputs"] = .array(cell.outputs)
            }
            return .object(item)
        }
        let notebook: JSONValue = [
            "cells": .array(items),
            "metadata": [
                "kernelspec": ["display_name": "palm", "language": "palm", "name": .string(Self.kernelName)],
                "language_info": Self.languageInfo,
            ],
            "nbformat": 4,
            "nbformat_minor": 5,
        ]
        return notebook.encoded(pretty: true) + Data("\n".utf8)
    }

    /// A source as Jupyter stores it: lines, each but the last keeping its newline.
    static func sourceLines(_ source: String) -> [String] {
        guard !source.isEmpty else { return [] }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let kept = lines.enumerated().map { i, l in i + 1 < lines.count ? l + "\n" : l }
        return kept.last == "" ? Array(kept.dropLast()) : kept
    }
}
