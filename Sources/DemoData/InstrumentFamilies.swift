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

    /// The instrument of a GM program, named without any family word ("violin", not "violin
    /// string"; "contrabass" is one word), for alignment captions that must not teach the
    /// held-out family names. Nil for programs outside the families.
    public static func instrumentName(program p: Int) -> String? {
        let names: [Int: String] = [
            0: "grand piano", 1: "bright piano", 2: "electric grand piano", 3: "honky-tonk piano", 4: "rhodes piano",
            5: "dx piano", 6: "harpsichord", 7: "clavinet",
            8: "celesta", 9: "glockenspiel", 10: "music box", 11: "vibraphone", 12: "marimba", 13: "xylophone",
            14: "tubular bells", 15: "dulcimer",
            16: "hammond drawbars", 17: "percussive drawbars", 18: "rock drawbars", 19: "church pipes", 20: "pump harmonium",
            21: "accordion", 22: "harmonica", 23: "tango accordion",
            24: "nylon-strung acoustic", 25: "steel-strung acoustic", 26: "jazz hollow-body", 27: "clean electric",
            28: "palm-muted electric", 29: "overdriven electric", 30: "distorted electric", 31: "electric harmonics",
            32: "contrabass", 33: "fingered electric low end", 34: "picked electric low end", 35: "fretless low end",
            36: "slap low end", 37: "funk slap low end", 38: "synth low end", 39: "synth low end two",
            40: "violin", 41: "viola", 42: "cello", 43: "contrabass bowed", 44: "tremolo violins", 45: "pizzicato violins",
            46: "harp", 48: "violin section", 49: "slow violin section", 50: "synth violins", 51: "synth violins two",
            52: "choir aahs", 53: "choir oohs", 54: "synth choir",
            56: "trumpet", 57: "trombone", 58: "tuba", 59: "muted trumpet", 60: "french horn", 61: "horn section",
            62: "synth horns", 63: "synth horns two",
            64: "soprano saxophone", 65: "alto saxophone", 66: "tenor saxophone", 67: "baritone saxophone", 68: "oboe",
            69: "english horn", 70: "bassoon", 71: "clarinet",
            72: "piccolo", 73: "transverse concert pipe", 74: "recorder", 75: "pan pipes", 76: "blown bottle",
            77: "shakuhachi", 78: "whistle", 79: "ocarina",
        ]
        return of(program: p) == nil ? nil : names[p]
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

    /// The FreePats notes, split by program. In each family with two or more programs, the
    /// programs at even positions (in program order) go to alignment, labelled by instrument
    /// (`InstrumentFamily.instrumentName`, 6 pitches x 2 velocities each), and the others to
    /// evaluation, labelled by family; a one-program family is evaluation only. So evaluation
    /// notes come from patches never heard in alignment, under class names never written there.
    /// With `instrumentsInAlignment` false every program is evaluation.
    ///
    /// Evaluation: velocities 64 and 112, at least 6 pitches per program and more when a family
    /// has few evaluation programs (FreePats has one vocal patch), so each family offers at
    /// least `perFamily` notes.
    public static func split(root: String = defaultRoot, perFamily: Int = 40, instrumentsInAlignment: Bool = true)
        -> (alignment: [DemoSample], evaluation: [DemoSample]) {
        var byFamily: [String: [Int]] = [:]
        for p in programs(root: root) { if let f = InstrumentFamily.of(program: p) { byFamily[f, default: []].append(p) } }
        var alignment: [DemoSample] = [], evaluation: [DemoSample] = []
        func notes(_ p: Int, label: String, family: String, pitches: Int) -> [DemoSample] {
            InstrumentFamily.pitches(family: family, count: pitches).flatMap { pitch in
                [64, 112].map { velocity in
                    DemoSample(label: label, audio: .note(NoteSpec(program: p, pitch: pitch, velocity: velocity)),
                               source: source, name: "freepats-gm\(p)-n\(pitch)-v\(velocity)")
                }
            }
        }
        for family in byFamily.keys.sorted() {
            let programs = byFamily[family]!.sorted()
            let toAlign = instrumentsInAlignment && programs.count > 1
            let held = toAlign ? programs.enumerated().filter { $0.offset % 2 == 1 }.map(\.element) : programs
            if toAlign {
                for p in programs.enumerated().filter({ $0.offset % 2 == 0 }).map(\.element) {
                    if let name = InstrumentFamily.instrumentName(program: p) { alignment += notes(p, label: name, family: family, pitches: 6) }
                }
            }
            let count = max(6, (perFamily + 2 * held.count - 1) / (2 * held.count))
            for p in held { evaluation += notes(p, label: family, family: family, pitches: count) }
        }
        return (alignment, evaluation)
    }
}
