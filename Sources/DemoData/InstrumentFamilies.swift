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

    /// A pitch range that sounds natural for the family (MIDI notes, inclusive).
    static func pitchRange(family: String) -> ClosedRange<Int> {
        switch family {
        case "bass": return 28...48
        case "flute": return 67...88
        case "mallet": return 60...88
        case "brass", "reed", "string", "vocal": return 48...74
        default: return 45...76
        }
    }

    /// `count` pitches spread evenly over the family's range.
    static func pitches(family: String, count: Int) -> [Int] {
        let r = pitchRange(family: family)
        guard count > 1 else { return [(r.lowerBound + r.upperBound) / 2] }
        return Array(Set((0..<count).map { r.lowerBound + $0 * (r.upperBound - r.lowerBound) / (count - 1) })).sorted()
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
    /// and 112, at least 6 pitches per program and more when a family has few programs (FreePats
    /// has one vocal patch), so every family offers at least `perFamily` notes.
    public static func samples(root: String = defaultRoot, perFamily: Int = 40) -> [DemoSample] {
        var byFamily: [String: [Int]] = [:]
        for p in programs(root: root) { if let f = InstrumentFamily.of(program: p) { byFamily[f, default: []].append(p) } }
        var out: [DemoSample] = []
        for family in byFamily.keys.sorted() {
            let programs = byFamily[family]!
            let count = max(6, (perFamily + 2 * programs.count - 1) / (2 * programs.count))
            for p in programs {
                for pitch in InstrumentFamily.pitches(family: family, count: count) {
                    for velocity in [64, 112] {
                        out.append(DemoSample(label: family, audio: .note(NoteSpec(program: p, pitch: pitch, velocity: velocity)),
                                              source: source, name: "freepats-gm\(p)-n\(pitch)-v\(velocity)"))
                    }
                }
            }
        }
        return out
    }
}
