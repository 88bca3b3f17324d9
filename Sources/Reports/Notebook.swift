import Foundation
import ScriptCore
import Support

/// A script seen as a notebook: cells started by `#%%` lines (the rest of the line is an
/// optional title) holding Markdown prose (`#'` lines) and code. Text before the first `#%%`
/// is an untitled first cell. The whole file is parsed once, so a syntax error anywhere is
/// reported before anything runs; each cell then owns the top-level statements that start on
/// its lines, which is what a report writer needs to show code, output and prose per cell.
public struct Notebook {
    /// One cell.
    public struct Cell {
        /// The title after `#%%`, if any.
        public let title: String?
        /// The Markdown prose from `#'` lines, in order (the `#'` and one following space removed).
        public let prose: [String]
        /// The code lines (prose and the `#%%` line excluded), as written.
        public let code: String
        /// 1-based line range `lines.lowerBound..<lines.upperBound` of the cell in the file.
        public let lines: Range<Int>
        /// The top-level statements that start in this cell.
        public let statements: [Stmt]
    }

    public let program: Program
    public let cells: [Cell]

    /// Splits and parses `file`; throws the first syntax error.
    public init(file: SourceFile) throws {
        program = try Parser.parse(file)
        var starts: [(line: Int, title: String?)] = []
        for (i, text) in file.lines.enumerated() where text.hasPrefix("#%%") {
            let title = text.dropFirst(3).trimmingCharacters(in: .whitespaces)
            starts.append((i + 1, title.isEmpty ? nil : title))
        }
        if starts.first?.line != 1 { starts.insert((1, nil), at: 0) }
        var cells: [Cell] = []
        for (k, start) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1].line : file.lines.count + 1
            var prose: [String] = [], code: [String] = []
            for line in start.line..<end {
                let text = file.lines[line - 1]
                if text.hasPrefix("#%%") { continue }
                if text.hasPrefix("#'") {
                    var p = text.dropFirst(2)
                    if p.first == " " { p = p.dropFirst() }
                    prose.append(String(p))
                } else {
                    code.append(text)
                }
            }
            while code.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeLast() }
            while code.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { code.removeFirst() }
            let statements = program.statements.filter { (start.line..<end).contains($0.location.line) }
            // Drop an empty untitled leading cell (a file that starts with blank lines then `#%%`).
            if k == 0, start.title == nil, prose.isEmpty, code.isEmpty, statements.isEmpty, starts.count > 1 { continue }
            cells.append(Cell(title: start.title, prose: prose, code: code.joined(separator: "\n"), lines: start.line..<end, statements: statements))
        }
        self.cells = cells
    }

}
