import Foundation

// Asterisk's English prompts (Debian `asterisk-core-sounds-en-wav`, CC-BY-SA 3.0, voice of
// Allison Smith for Digium): `/usr/share/asterisk/sounds/<voice>/digits/<n>.wav` and
// `.../letters/<x>.wav`, 8 kHz mono. Each voice folder (`en`, `en_US`, ...) that has them gives
// one recording per digit and letter.

/// Spoken digits and letters from the installed Asterisk prompt sets.
public enum AsteriskSpeechCatalog {
    public static let defaultRoot = "/usr/share/asterisk/sounds"
    public static let source = DemoSource(id: "asterisk", package: "asterisk-core-sounds-en-wav",
                                          licence: "CC-BY-SA 3.0", attribution: "Allison Smith / Digium, Inc. (Asterisk core sounds)")
    static let digitWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

    /// The class of a file in `digits/` or `letters/`, or nil for other prompts.
    public static func classify(folder: String, file: String) -> String? {
        guard file.hasSuffix(".wav") else { return nil }
        let stem = String(file.dropLast(4))
        if folder == "digits", let n = Int(stem), (0..<10).contains(n) { return "spoken digit \(digitWords[n])" }
        if folder == "letters", stem.count == 1, let c = stem.first, c.isLetter, c.isASCII { return "spoken letter \(stem)" }
        return nil
    }

    public static func samples(root: String = defaultRoot) -> [DemoSample] {
        let fm = FileManager.default
        var out: [DemoSample] = []
        var seen = Set<String>()
        for voice in ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted() {
            for folder in ["digits", "letters"] {
                let dir = "\(root)/\(voice)/\(folder)"
                for f in ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted() {
                    guard let label = classify(folder: folder, file: f) else { continue }
                    // Voice folders are often symlinks to one another: keep each real file once.
                    let real = URL(fileURLWithPath: "\(dir)/\(f)").resolvingSymlinksInPath().path
                    guard seen.insert(real).inserted else { continue }
                    out.append(DemoSample(label: label, audio: .file(path: "\(dir)/\(f)"), source: source,
                                          name: fileNameComponent("asterisk-\(voice)-\(f)")))
                }
            }
        }
        return out
    }
}
