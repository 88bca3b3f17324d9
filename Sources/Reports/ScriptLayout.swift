import Foundation

/// How a `.palm` script is laid out as a notebook, line by line, before anything is parsed:
/// `#%% Title` lines start cells (text before the first is an untitled cell), `#'` lines are
/// Markdown prose, every other line is code. `Notebook` (which runs and reports cells) and the
/// `.ipynb` conversion (`JupyterNotebook`) both read scripts through it.
public enum ScriptLayout {
    /// A run of consecutive lines of one kind within a cell, as written.
    public struct Block: Equatable {
        public enum Kind: Equatable { case prose, code }
        public var kind: Kind
        /// Prose lines without their `#'` (and one following space); code lines as written.
        public var lines: [String]
    }

    /// One `#%%` cell.
    public struct Cell: Equatable {
        /// The title after `#%%`, if any.
        public var title: String?
        /// 1-based line range of the cell in the file, the `#%%` line included.
        public var lines: Range<Int>
        /// Its prose and code runs in order.
        public var blocks: [Block]

        /// Every prose line in order.
        public var prose: [String] { blocks.filter { $0.kind == .prose }.flatMap(\.lines) }
        /// Every code line in order, blank lines at the start and end removed.
        public var code: [String] { ScriptLayout.trimmed(blocks.filter { $0.kind == .code }.flatMap(\.lines)) }
        /// True when the cell holds nothing but blank lines (and maybe its `#%%` line).
        public var isBlank: Bool { prose.isEmpty && code.isEmpty }
    }

    /// The cells of a script given as lines. A blank untitled cell before the first `#%%`
    /// (a file that starts with blank lines) is left out.
    public static func cells(_ lines: [String]) -> [Cell] {
        var starts: [(line: Int, title: String?)] = []
        for (i, text) in lines.enumerated() where text.hasPrefix("#%%") {
            let title = text.dropFirst(3).trimmingCharacters(in: .whitespaces)
            starts.append((i + 1, title.isEmpty ? nil : title))
        }
        if starts.first?.line != 1 { starts.insert((1, nil), at: 0) }
        var cells: [Cell] = []
        for (k, start) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1].line : lines.count + 1
            var blocks: [Block] = []
            for line in start.line..<end {
                let text = lines[line - 1]
                if text.hasPrefix("#%%") { continue }
                let kind: Block.Kind = text.hasPrefix("#'") ? .prose : .code
                var content = Substring(text)
                if kind == .prose {
                    content = content.dropFirst(2)
                    if content.first == " " { content = content.dropFirst() }
                }
                if blocks.last?.kind == kind { blocks[blocks.count - 1].lines.append(String(content)) } else { blocks.append(Block(kind: kind, lines: [String(content)])) }
            }
            let cell = Cell(title: start.title, lines: start.line..<end, blocks: blocks)
            if k == 0, start.title == nil, cell.isBlank, starts.count > 1 { continue }
            cells.append(cell)
        }
        return cells
    }

    /// `lines` without blank lines at either end.
    public static func trimmed(_ lines: [String]) -> [String] {
        var lines = lines[...]
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        while lines.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeFirst() }
        return Array(lines)
    }
}
