import Foundation

/// Where a demo sound comes from, with the licence it is distributed under.
public struct DemoSource: Sendable, Hashable {
    /// Short id used in file names and in `LICENSES.md` (`sonic-pi`, `hydrogen/Audiophob`, ...).
    public var id: String
    /// The Debian package that installs it.
    public var package: String
    /// The licence as its authors state it.
    public var licence: String
    /// Who made it (author or project), for attribution.
    public var attribution: String

    public init(id: String, package: String, licence: String, attribution: String) {
        self.id = id; self.package = package; self.licence = licence; self.attribution = attribution
    }
}

/// How a sample's audio is obtained: an installed file copied as is, or a General-MIDI note
/// rendered with timidity.
public enum DemoAudio: Sendable, Hashable {
    case file(path: String)
    case note(NoteSpec)
}

/// One labelled sound of the demo corpus.
public struct DemoSample: Sendable, Hashable {
    /// The class (a folder name: lower-case words, e.g. `hi-hat`, `spoken digit seven`).
    public var label: String
    public var audio: DemoAudio
    public var source: DemoSource
    /// A file name unique within its class (without extension for rendered notes).
    public var name: String

    public init(label: String, audio: DemoAudio, source: DemoSource, name: String) {
        self.label = label; self.audio = audio; self.source = source; self.name = name
    }
}

/// Makes a string safe as one path component: lower-case ASCII letters, digits, `-`, `_`, `.`.
func fileNameComponent(_ s: String) -> String {
    var out = ""
    for u in s.lowercased().unicodeScalars {
        if (u >= "a" && u <= "z") || (u >= "0" && u <= "9") || u == "-" || u == "." { out.unicodeScalars.append(u) } else if !out.hasSuffix("_") { out += "_" }
    }
    return out.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
}
