import Foundation

// Hydrogen drum kits (Debian `hydrogen-drumkits`, `/usr/share/hydrogen/data/drumkits/<kit>/`).
// Each kit's `drumkit.xml` lists `<instrument>`s with a `<name>` ("Kick", "Closed HH",
// "Tom Low (Tama Superstar 16\")") and one or more sample files (`<layer><filename>`, or a bare
// `<filename>` in old kits); its `<license>` names the kit's licence (CC0, GPL, CC-BY(-SA)).
// The XML is read by a small scanner rather than XMLParser: FoundationXML is not always
// available on Linux, and only three element kinds matter here.

/// One instrument of a Hydrogen kit.
public struct DrumkitInstrument: Sendable, Equatable {
    public var name: String
    /// Sample file names relative to the kit folder.
    public var files: [String]
}

/// A parsed `drumkit.xml`.
public struct Drumkit: Sendable, Equatable {
    public var name: String
    public var licence: String
    public var author: String
    public var instruments: [DrumkitInstrument]

    /// Parses the text of a `drumkit.xml`.
    public init(xml: String) {
        let top = xml.components(separatedBy: "<instrumentList>").first ?? xml
        name = Drumkit.firstElement("name", in: top) ?? "unnamed kit"
        licence = Drumkit.firstElement("license", in: top) ?? "unstated"
        author = Drumkit.firstElement("author", in: top) ?? "unstated"
        instruments = xml.components(separatedBy: "<instrument>").dropFirst().map { chunk in
            let body = chunk.components(separatedBy: "</instrument>").first ?? chunk
            return DrumkitInstrument(name: Drumkit.firstElement("name", in: body) ?? "",
                                     files: Drumkit.elements("filename", in: body))
        }
    }

    /// The text of every `<tag>...</tag>` in `text`, entity-decoded and trimmed.
    static func elements(_ tag: String, in text: String) -> [String] {
        var out: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(tag)>"), let close = rest.range(of: "</\(tag)>", range: open.upperBound..<rest.endIndex) {
            out.append(decodeEntities(String(rest[open.upperBound..<close.lowerBound])).trimmingCharacters(in: .whitespacesAndNewlines))
            rest = rest[close.upperBound...]
        }
        return out
    }

    static func firstElement(_ tag: String, in text: String) -> String? { elements(tag, in: text).first }

    static func decodeEntities(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// Drum-piece classes from instrument names.
public enum DrumPiece {
    /// The class of a Hydrogen instrument name, or nil when the name is not a clear drum piece
    /// (numbered slots, "Stick", "Zap", djembe strokes...). Words are matched case-insensitively;
    /// the first matching rule wins, so "Crash/Ride Bell" is a cymbal and "Floor Tom" a tom.
    public static func classify(_ instrumentName: String) -> String? {
        let words = Set(instrumentName.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
        let name = instrumentName.lowercased()
        if words.contains("clap") || words.contains("claps") { return "clap" }
        if words.contains("cowbell") { return "cowbell" }
        if words.contains("tambourine") { return "tambourine" }
        if words.contains("kick") || words.contains("bassdrum") || words.contains("bd") || name.contains("bass drum") { return "kick drum" }
        if words.contains("snare") || words.contains("snare1") { return "snare drum" }
        if words.contains("hh") || words.contains("hat") || words.contains("hihat") { return "hi-hat" }
        if words.contains("tom") || words.contains("tomhi") { return "tom-tom" }
        if words.contains("crash") || words.contains("ride") || words.contains("cymbal") || words.contains("splash") || words.contains("china") {
            return "cymbal"
        }
        return nil
    }
}

/// The samples of every kit under `root`, labelled by `DrumPiece`.
public enum DrumkitCatalog {
    public static let defaultRoot = "/usr/share/hydrogen/data/drumkits"

    public static func samples(root: String = defaultRoot) -> [DemoSample] {
        let fm = FileManager.default
        var out: [DemoSample] = []
        var seen = Set<String>()
        for kit in ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted() {
            let dir = "\(root)/\(kit)"
            guard let xml = try? String(contentsOfFile: "\(dir)/drumkit.xml", encoding: .utf8) else { continue }
            let parsed = Drumkit(xml: xml)
            let source = DemoSource(id: "hydrogen/\(kit)", package: "hydrogen-drumkits", licence: parsed.licence, attribution: parsed.author)
            for inst in parsed.instruments {
                guard let label = DrumPiece.classify(inst.name) else { continue }
                for f in inst.files {
                    let path = "\(dir)/\(f)"
                    guard fm.fileExists(atPath: path), seen.insert(path).inserted else { continue }
                    out.append(DemoSample(label: label, audio: .file(path: path), source: source,
                                          name: fileNameComponent("hydrogen-\(kit)-\(f)")))
                }
            }
        }
        return out
    }
}
