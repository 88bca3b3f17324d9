import Foundation

// palm scripts <-> notebooks (`palm convert`). A script's `#%%` cells become runs of notebook
// cells in their order: each `#'` prose run a Markdown cell, each code run a code cell; a
// title becomes the first Markdown cell's `## Title` line. Back again, a Markdown cell that
// starts with `## ` starts a titled `#%%` cell, a code cell right after a code cell starts an
// untitled one, and anything else continues the cell before; where that reading would be
// wrong, the notebook cell says so in its metadata (`startsScriptCell`). A script written the
// way `script()` writes (cells one blank line apart, no blank lines at the edges of a run)
// comes back byte for byte.

extension JupyterNotebook {
    /// The notebook of the palm script `text`.
    public init(script text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        var cells: [Cell] = []
        for scriptCell in ScriptLayout.cells(lines) {
            var runs: [(kind: Cell.Kind, lines: [String])] = []
            for block in scriptCell.blocks {
                let kind: Cell.Kind = block.kind == .prose ? .markdown : .code
                let content = kind == .code ? ScriptLayout.trimmed(block.lines) : block.lines
                guard !content.isEmpty else { continue }
                // A run of prose split only by blank lines is one Markdown cell.
                if runs.last?.kind == kind { runs[runs.count - 1].lines += content } else { runs.append((kind, content)) }
            }
            if let title = scriptCell.title {
                let heading = "## " + title
                if runs.first?.kind == .markdown { runs[0].lines.insert(heading, at: 0) } else { runs.insert((.markdown, [heading]), at: 0) }
            }
            for (i, run) in runs.enumerated() {
                var cell = Cell(run.kind, run.lines.joined(separator: "\n"))
                let starts = i == 0
                if Self.startsScriptCell(cell, after: cells.last) != starts { cell.startsScriptCell = starts }
                cells.append(cell)
            }
        }
        self.init(cells: cells)
    }

    /// Whether `cell` starts a `#%%` cell when read after `previous`, by the rule alone.
    static func startsScriptCell(_ cell: Cell, after previous: Cell?) -> Bool {
        guard let previous else { return true }
        switch cell.kind {
        case .markdown: return cell.source.hasPrefix("## ")
        case .code: return previous.kind == .code
        }
    }

    /// The notebook as a palm script: `#%%` cells one blank line apart, prose as `#'` lines.
    /// Text before the first titled cell needs no `#%%` line when it is the first cell.
    public func script() -> String {
        var scriptCells: [(title: String?, lines: [String])] = []
        var previous: Cell?
        for cell in cells {
            var lines = cell.source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while lines.last?.isEmpty == true { lines.removeLast() }
            let starts = cell.startsScriptCell ?? Self.startsScriptCell(cell, after: previous)
            previous = cell
            if starts || scriptCells.isEmpty {
                var title: String?
                if cell.kind == .markdown, let first = lines.first, first.hasPrefix("## ") {
                    let heading = first.dropFirst(3).trimmingCharacters(in: .whitespaces)
                    title = heading.isEmpty ? nil : heading
                    lines.removeFirst()
                }
                scriptCells.append((title, []))
            }
            let written = cell.kind == .markdown ? lines.map { $0.isEmpty ? "#'" : "#' " + $0 } : lines
            scriptCells[scriptCells.count - 1].lines += written
        }
        let parts = scriptCells.enumerated().map { i, c -> String in
            let header: [String] = c.title.map { ["#%% " + $0] } ?? (i == 0 ? [] : ["#%%"])
            return (header + c.lines).joined(separator: "\n")
        }
        return parts.joined(separator: "\n\n") + "\n"
    }
}
