import Foundation

// Single notes of General-MIDI instruments rendered from the real recorded samples of FreePats
// (Debian `freepats`, GPL-2+ with the patch authors' permissions; rendered with `timidity`),
// grouped into NSynth's instrument families (the NS-Instruments classes) by GM program number.
// Only programs that FreePats actually has a patch for are used (a missing patch renders
// silence): the `.pat` files in `Tone_000/` are named `<program>_<Name>.pat`.

/// NSynth-style instrument families from General-MIDI programs.
public enum InstrumentFamily {
    /// The family of a 0-based GM program, or nil for programs outside the families (timpani,
    /// synth leads/pads/effects, ethnic, percussive, sound effects).
    public static func of(program p: Int) -> String? {
        switch p {
        case 0...7: return "keyboard"
        case 8...15: return "mallet"
        case 16...23: return "organ"
        case 24...31: return "guitar"
        case 32...39: return "bass"
        case 40...46, 48...51: return "string"
        case 52...54: return "vocal"
        case 56...63: return "brass"
        case 64...71: return "reed"
        case 72...79: return "flute"
        default: return nil
        }
    }

    /// A pitch range that sounds natural for the family (MIDI notes).
    static func pitches(family: String) -> [Int] {
        switch family {
        case "bass": return [28, 33, 36, 40, 43, 45]
        case "flute": return [72, 74, 77, 79, 81, 84]
        case "mallet": return [64, 67, 72, 76, 79, 84]
        case "brass", "reed", "string", "vocal": return [52, 55, 60, 64, 67, 71]
        default: return [48, 52, 55, 60, 64, 67, 72]
        }
    }
}

/// Notes to render from the FreePats patches installed under `root`.
public enum FreePatsCatalog {
    public static let defaultRoot = "/usr/share/midi/freepats"
    public static let config = "/etc/timidity/freepats.cfg"
    public static let source = DemoSource(id: "freepats", package: "freepats (rendered with timidity)",
                                          licence: "GPL-2+ (FreePats project; see /usr/share/doc/freepats/copyright)",
                                          attribution: "FreePats project (freepats.zenvoid.org)")

    /// GM programs with a patch in `root/Tone_000`.
    public static func programs(root: String = defaultRoot) -> [Int] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/Tone_000")) ?? []
        return Set(files.filter { $0.hasSuffix(".pat") }.compactMap { Int($0.prefix(3)) }).sorted()
    }

    /// One sample per (program, pitch, velocity) for every program in a family: velocities 64
    /// and 112, the family's pitches.
    public static func samples(root: String = defaultRoot) -> [DemoSample] {
        var out: [DemoSample] = []
        for p in programs(root: root) {
            guard let family = InstrumentFamily.of(program: p) else { continue }
            for pitch in InstrumentFamily.pitches(family: family) {
                for velocity in [64, 112] {
                    out.append(DemoSample(label: family, audio: .note(NoteSpec(program: p, pitch: pitch, velocity: velocity)),
                                          source: source, name: "freepats-gm\(p)-n\(pitch)-v\(velocity)"))
                }
            }
        }
        return out
    }
}
