import Foundation
import ScriptCore

/// A small Markdown subset rendered to HTML, for the `#'` prose of report cells: ATX headings
/// (`#` to `######`), paragraphs, `-`/`*`/`+` and `1.` lists, fenced code blocks, inline code,
/// `**bold**`, `*italic*`/`_italic_` and `[links](url)`. Everything else is text (HTML in the
/// source is escaped, so prose cannot inject markup).
public enum Markdown {
    /// HTML for `source`.
    public static func html(_ source: String) -> String {
        var out: [String] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])?
        var code: [String]?
        func flushParagraph() {
            if !paragraph.isEmpty { out.append("<p>" + inline(paragraph.joined(separator: "\n")) + "</p>") }
            paragraph = []
        }
        func flushList() {
            if let l = list {
                let tag = l.ordered ? "ol" : "ul"
                out.append("<\(tag)>" + l.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>")
            }
            list = nil
        }
        for line in source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var c = code {
                if trimmed.hasPrefix("```") {
                    out.append("<pre><code>" + xmlEscape(c.joined(separator: "\n")) + "</code></pre>")
                    code = nil
                } else {
                    c.append(line)
                    code = c
                }
                continue
            }
            if trimmed.hasPrefix("```") { flushParagraph(); flushList(); code = []; continue }
            if trimmed.isEmpty { flushParagraph(); flushList(); continue }
            if let level = headingLevel(trimmed) {
                flushParagraph(); flushList()
                let text = trimmed.dropFirst(level).trimmingCharacters(in: .whitespaces)
                out.append("<h\(level + 2 > 6 ? 6 : level + 2)>" + inline(text) + "</h\(level + 2 > 6 ? 6 : level + 2)>")
                continue
            }
            if let (ordered, item) = listItem(trimmed) {
                flushParagraph()
                if list == nil || list!.ordered != ordered { flushList(); list = (ordered, []) }
                list!.items.append(item)
                continue
            }
            if list != nil, line.hasPrefix("  ") {
                list!.items[list!.items.count - 1] += " " + trimmed
                continue
            }
            flushList()
            paragraph.append(trimmed)
        }
        if let c = code { out.append("<pre><code>" + xmlEscape(c.joined(separator: "\n")) + "</code></pre>") }
        flushParagraph()
        flushList()
        return out.joined(separator: "\n")
    }

    /// `#` count of an ATX heading (`# Title`), or nil.
    static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        return rest.isEmpty || rest.first == " " ? hashes : nil
    }

    /// A list item's kind and text: `- x`, `* x`, `+ x`, `1. x`.
    static func listItem(_ line: String) -> (Bool, String)? {
        if let f = line.first, "-*+".contains(f), line.dropFirst().first == " " { return (false, String(line.dropFirst(2))) }
        let digits = line.prefix { $0.isNumber }
        if !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") { return (true, String(line.dropFirst(digits.count + 2))) }
        return nil
    }

    /// Inline markup: code spans first (their content is literal), then links, bold, italic.
    static func inline(_ text: String) -> String {
        var out = ""
        let parts = text.components(separatedBy: "`")
        for (i, part) in parts.enumerated() {
            // Odd parts are inside backticks, unless the last backtick is unmatched.
            if i % 2 == 1, i < parts.count - 1 || parts.count % 2 == 1 {
                out += "<code>" + xmlEscape(part) + "</code>"
            } else {
                out += (i % 2 == 1 ? "`" : "") + emphasis(links(xmlEscape(part)))
            }
        }
        return out
    }

    private static func links(_ s: String) -> String {
        replace(s, pattern: #"\[([^\]]+)\]\(([^)\s]+)\)"#) { groups in
            let url = groups[2]
            // Only ordinary links: a `javascript:` URL in prose must not become clickable code.
            let safe = url.hasPrefix("http://") || url.hasPrefix("https://") || url.hasPrefix("#") || !url.contains(":")
            return safe ? "<a href=\"\(url)\">\(groups[1])</a>" : groups[1]
        }
    }

    private static func emphasis(_ s: String) -> String {
        var r = replace(s, pattern: #"\*\*(.+?)\*\*"#) { "<strong>\($0[1])</strong>" }
        r = replace(r, pattern: #"__(.+?)__"#) { "<strong>\($0[1])</strong>" }
        r = replace(r, pattern: #"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"#) { "<em>\($0[1])</em>" }
        r = replace(r, pattern: #"(?<![\w])_(?!\s)(.+?)(?<!\s)_(?![\w])"#) { "<em>\($0[1])</em>" }
        return r
    }

    private static func replace(_ s: String, pattern: String, _ f: ([String]) -> String) -> String {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return s }
        let ns = s as NSString
        var out = "", last = 0
        for m in re.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            let groups = (0..<m.numberOfRanges).map { m.range(at: $0).location == NSNotFound ? "" : ns.substring(with: m.range(at: $0)) }
            out += f(groups)
            last = m.range.location + m.range.length
        }
        return out + ns.substring(from: last)
    }
}
