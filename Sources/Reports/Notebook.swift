import Foundation
import ScriptCore
import Support

/// A script seen as a notebook: cells started by `#%%` lines (the rest of the line is an
/// optional title) holding Markdown prose (`#'` lines) and code (`ScriptLayout`). Text before
/// the first `#%%` is an untitled first cell. The whole file is parsed once, so a syntax error
/// anywhere is reported before anything runs; each cell then owns the top-level statements
/// that start on its lines, which is what a report writer needs to show code, output and
/// prose per cell.
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

    /// Splits (`ScriptLayout`) and parses `file`; throws the first syntax error.
    public init(file: SourceFile) throws {
        let program = try Parser.parse(file)
        self.program = program
        cells = ScriptLayout.cells(file.lines).map { cell in
            Cell(title: cell.title, prose: cell.prose, code: cell.code.joined(separator: "\n"), lines: cell.lines,
                 statements: program.statements.filter { cell.lines.contains($0.location.line) })
        }
    }
}
