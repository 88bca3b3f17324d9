import Foundation

// Sonic Pi's bundled samples (Debian `sonic-pi-samples`, `/usr/share/sonic-pi/samples/*.flac`,
// all CC0 from freesound.org, see the README there). The class comes from the file name:
// `<category>_<words>.flac`, e.g. `drum_tom_hi_hard`, `bd_haus`, `elec_hollow_kick`.

/// Labels for Sonic Pi sample names.
public enum SonicPiLabel {
    /// The class of a sample name (without extension), or nil to leave it out. Samples that
    /// are themselves instrument notes (`bass_*`, `guit_*`, `ambi_piano`, `ambi_choir`) are left
    /// out: the demo's evaluation classes are instrument families, and the alignment data must
    /// not teach them. Loops (long mixtures) are left out too.
    public static func classify(_ name: String) -> String? {
        let w = name.lowercased().split(separator: "_").map(String.init)
        guard let category = w.first else { return nil }
        let rest = Array(w.dropFirst())
        switch category {
        case "bd": return "kick drum"
        case "sn": return "snare drum"
        case "tabla": return "tabla"
        case "drum":
            switch rest.first {
            case "bass", "heavy": return "kick drum"
            case "snare": return "snare drum"
            case "tom": return "tom-tom"
            case "splash": return "cymbal"
            case "cowbell": return "cowbell"
            case "cymbal": return ["closed", "open", "pedal"].contains(rest.dropFirst().first ?? "") ? "hi-hat" : "cymbal"
            default: return nil
            }
        case "elec":
            return DrumPiece.classify(rest.joined(separator: " ")) ?? "electronic beep"
        case "ambi":
            return ["piano", "choir"].contains(rest.first ?? "") ? nil : "ambient drone"
        case "glitch": return rest.first == "robot1" || rest.first == "robot2" ? "robot voice" : "glitch noise"
        case "mehackit": return rest.first?.hasPrefix("phone") == true ? "telephone ring" : "robot voice"
        case "vinyl": return rest.first == "hiss" ? "vinyl hiss" : "vinyl scratch"
        case "perc":
            switch rest.first {
            case "bell", "bell2", "till": return "bell"
            case "snap", "snap2": return "finger snap"
            case "door": return "door knock"
            case "impact1", "impact2": return "impact"
            case "swash", "swoosh": return "swoosh"
            default: return nil
            }
        case "misc":
            switch rest.first {
            case "crow": return "crow"
            case "burp": return "burp"
            case "cineboom": return "cinematic boom"
            default: return nil
            }
        default: return nil
        }
    }
}

/// The labelled Sonic Pi samples under `root`.
public enum SonicPiCatalog {
    public static let defaultRoot = "/usr/share/sonic-pi/samples"
    public static let source = DemoSource(id: "sonic-pi", package: "sonic-pi-samples",
                                          licence: "CC0 1.0 (public domain dedication)",
                                          attribution: "freesound.org contributors, via Sonic Pi (see its samples/README.md)")

    public static func samples(root: String = defaultRoot) -> [DemoSample] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasSuffix(".flac") }.sorted()
        return files.compactMap { f in
            let stem = String(f.dropLast(5))
            return SonicPiLabel.classify(stem).map {
                DemoSample(label: $0, audio: .file(path: "\(root)/\(f)"), source: source, name: fileNameComponent("sonicpi-\(f)"))
            }
        }
    }
}
