import ArgumentParser
import Foundation

/// A dataset on the command line: `LAYOUT:ROOT`, e.g. `esc50:~/data/ESC-50`. The layout may
/// itself hold a colon (`palm:ESC50:~/data/ESC50`, `csv:meta.csv:~/data/x`): the root is what
/// follows the last colon, unless the text after the first colon is a path of its own (starts
/// with `/`, `~` or `.`), in which case the layout is the first field.
public struct DatasetLocation: Equatable, Sendable, CustomStringConvertible {
    public let layout: String
    /// The root folder, `~` expanded.
    public let root: String

    public init(layout: String, root: String) {
        self.layout = layout
        self.root = root
    }

    /// Parses `LAYOUT:ROOT`; the error says what was expected.
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let first = t.firstIndex(of: ":"), first != t.startIndex else {
            throw ValidationError("--dataset wants LAYOUT:ROOT (e.g. esc50:~/data/ESC-50), found '\(text)'")
        }
        let afterFirst = t[t.index(after: first)...]
        let cut: String.Index
        if afterFirst.first.map({ "/~.".contains($0) }) == true || !afterFirst.contains(":") {
            cut = first
        } else {
            cut = t.lastIndex(of: ":")!
        }
        let root = String(t[t.index(after: cut)...])
        guard !root.isEmpty else { throw ValidationError("--dataset '\(text)': the root folder after the colon is missing") }
        self.init(layout: String(t[..<cut]), root: (root as NSString).expandingTildeInPath)
    }

    public var description: String { "\(layout):\(root)" }

    /// A comma-separated list of locations. A csv layout's own options are comma-separated too
    /// (`csv:file=m.csv,absolute=yes:/data/x`): a piece with `=` before its first colon (or no
    /// colon at all) continues the previous location, since no layout name holds `=`.
    public static func list(_ text: String) throws -> [DatasetLocation] {
        var pieces: [String] = []
        for piece in text.split(separator: ",").map(String.init) {
            let head = piece.firstIndex(of: ":").map { piece[..<$0] } ?? piece[...]
            if let last = pieces.last, head.contains("=") || !piece.contains(":") {
                pieces[pieces.count - 1] = last + "," + piece
            } else {
                pieces.append(piece)
            }
        }
        return try pieces.map { try DatasetLocation(parsing: $0) }
    }
}
