import Foundation
import XCTest
import DemoData

/// Labels from Hydrogen's `drumkit.xml`, Sonic Pi and Asterisk file names, the MIDI writer, the
/// held-out split, and a small real build (skipped when the Debian packages are absent).
final class DemoDataTests: XCTestCase {
    func testDrumkitXMLInstrumentsAndLicence() {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <drumkit_info>
         <name>Test Kit</name>
         <author>someone &amp; friends</author>
         <license>This work is licensed under the Creative Commons 0 License.</license>
         <instrumentList>
          <instrument><id>0</id><name>Kick (Tama Superstar 22&quot;)</name>
           <layer><filename>kick-soft.wav</filename></layer><layer><filename>kick-hard.wav</filename></layer></instrument>
          <instrument><id>1</id><name>Closed HH</name><filename>hh.flac</filename></instrument>
          <instrument><id>2</id><name>Pearl Side Stick</name><layer><filename>stick.wav</filename></layer></instrument>
         </instrumentList>
        </drumkit_info>
        """
        let kit = Drumkit(xml: xml)
        XCTAssertEqual(kit.name, "Test Kit")
        XCTAssertEqual(kit.author, "someone & friends")
        XCTAssertEqual(kit.licence, "This work is licensed under the Creative Commons 0 License.")
        XCTAssertEqual(kit.instruments.map(\.name), ["Kick (Tama Superstar 22\")", "Closed HH", "Pearl Side Stick"])
        XCTAssertEqual(kit.instruments[0].files, ["kick-soft.wav", "kick-hard.wav"])
        XCTAssertEqual(kit.instruments[1].files, ["hh.flac"])
        XCTAssertEqual(kit.instruments.map { DrumPiece.classify($0.name) }, ["kick drum", "hi-hat", nil])
    }

    func testDrumPieceNames() {
        let cases: [(String, String?)] = [
            ("BassDrum", "kick drum"), ("c3 - bass drum 1", "kick drum"), ("Kick Lite 1", "kick drum"),
            ("Snare Rimshot (Pearl Free Floating Maple 14x3.5)", "snare drum"), ("Snare1", "snare drum"),
            ("Hi Hat Opened", "hi-hat"), ("Hi-Hat Pedal (Paiste Alpha Metal edge 14\")", "hi-hat"), ("Sabian Hat Choke", "hi-hat"),
            ("Floor Tom", "tom-tom"), ("tomhi2", "tom-tom"), ("Crash/Ride Bell (Paiste)", "cymbal"), ("crash16inch", "cymbal"),
            ("Hand Clap", "clap"), ("Cowbell", "cowbell"), ("Tambourine Pedal (Pearl PTM-10GH)", "tambourine"),
            ("Stick", nil), ("17", nil), ("Zap 1", nil), ("Djembe1 Slap", nil), ("", nil),
        ]
        for (name, label) in cases { XCTAssertEqual(DrumPiece.classify(name), label, name) }
    }

    func testSonicPiAndAsteriskLabels() {
        XCTAssertEqual(SonicPiLabel.classify("bd_haus"), "kick drum")
        XCTAssertEqual(SonicPiLabel.classify("drum_cymbal_closed"), "hi-hat")
        XCTAssertEqual(SonicPiLabel.classify("drum_cymbal_hard"), "cymbal")
        XCTAssertEqual(SonicPiLabel.classify("drum_tom_lo_soft"), "tom-tom")
        XCTAssertEqual(SonicPiLabel.classify("elec_hollow_kick"), "kick drum")
        XCTAssertEqual(SonicPiLabel.classify("elec_blip2"), "electronic beep")
        XCTAssertEqual(SonicPiLabel.classify("tabla_ghe2"), "tabla")
        XCTAssertEqual(SonicPiLabel.classify("vinyl_scratch"), "vinyl scratch")
        // Instrument notes would leak the evaluation classes: left out.
        XCTAssertNil(SonicPiLabel.classify("bass_voxy_c"))
        XCTAssertNil(SonicPiLabel.classify("guit_em9"))
        XCTAssertNil(SonicPiLabel.classify("ambi_piano"))
        XCTAssertNil(SonicPiLabel.classify("loop_amen"))
        XCTAssertEqual(AsteriskSpeechCatalog.classify(folder: "digits", file: "7.wav"), "spoken digit seven")
        XCTAssertNil(AsteriskSpeechCatalog.classify(folder: "digits", file: "70.wav"))
        XCTAssertEqual(AsteriskSpeechCatalog.classify(folder: "letters", file: "q.wav"), "spoken letter q")
        XCTAssertNil(AsteriskSpeechCatalog.classify(folder: "letters", file: "ascii42.wav"))
    }

    func testInstrumentFamiliesFollowGeneralMIDI() {
        XCTAssertEqual(InstrumentFamily.of(program: 0), "keyboard")
        XCTAssertEqual(InstrumentFamily.of(program: 13), "mallet")
        XCTAssertEqual(InstrumentFamily.of(program: 19), "organ")
        XCTAssertEqual(InstrumentFamily.of(program: 25), "guitar")
        XCTAssertEqual(InstrumentFamily.of(program: 33), "bass")
        XCTAssertEqual(InstrumentFamily.of(program: 40), "string")
        XCTAssertNil(InstrumentFamily.of(program: 47), "timpani is percussion, not a string")
        XCTAssertEqual(InstrumentFamily.of(program: 53), "vocal")
        XCTAssertEqual(InstrumentFamily.of(program: 56), "brass")
        XCTAssertEqual(InstrumentFamily.of(program: 66), "reed")
        XCTAssertEqual(InstrumentFamily.of(program: 73), "flute")
        XCTAssertNil(InstrumentFamily.of(program: 80))
    }

    /// Instrument names used for alignment never contain a family word.
    func testInstrumentNamesAvoidFamilyWords() {
        let families: Set<String> = ["bass", "brass", "flute", "guitar", "keyboard", "mallet", "organ", "reed", "string", "vocal"]
        for p in 0..<128 {
            guard let f = InstrumentFamily.of(program: p) else { continue }
            XCTAssertTrue(families.contains(f))
            let name = InstrumentFamily.instrumentName(program: p)
            XCTAssertNotNil(name, "program \(p)")
            let words = name.map { $0.split(whereSeparator: { !$0.isLetter }).map(String.init) } ?? []
            XCTAssertFalse(words.contains { families.contains($0) || families.contains($0 + "s") || $0.hasSuffix("strings") }, "\(p): \(name ?? "")")
        }
    }

    /// Programs split by family: even positions to alignment (instrument names), odd to
    /// evaluation (family names); a one-program family is evaluation only.
    func testFreePatsProgramSplit() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("palm-freepats-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/Tone_000", withIntermediateDirectories: true)
        for f in ["040_Violin.pat", "042_Cello.pat", "046_Harp.pat", "053_Voice_Oohs.pat", "047_Timpani.pat", "120_Fret.pat"] {
            FileManager.default.createFile(atPath: "\(root)/Tone_000/\(f)", contents: Data())
        }
        let (align, eval) = FreePatsCatalog.split(root: root, perFamily: 20)
        XCTAssertEqual(Set(align.map(\.label)), ["violin", "harp"])
        XCTAssertEqual(align.count, 2 * 6 * 2)
        XCTAssertEqual(Set(eval.map(\.label)), ["string", "vocal"])
        func program(_ s: DemoSample) -> Int { if case let .note(n) = s.audio { return n.program }; return -1 }
        XCTAssertEqual(Set(eval.filter { $0.label == "string" }.map(program)), [42])
        XCTAssertEqual(eval.filter { $0.label == "string" }.count, 20)
        XCTAssertEqual(eval.filter { $0.label == "vocal" }.count, 20)
        XCTAssertTrue(FreePatsCatalog.split(root: root, instrumentsInAlignment: false).alignment.isEmpty)
    }

    /// The MIDI bytes, checked by hand against the SMF spec: header, tempo, program change,
    /// note on/off with a variable-length delta (1.5 s = 1440 ticks = 0x8B 0x20), end of track.
    func testMIDIFileBytes() {
        let bytes = NoteSpec(program: 40, pitch: 60, velocity: 100, seconds: 1.5, tailSeconds: 0.5).midiBytes
        XCTAssertEqual(Array(bytes.prefix(14)), Array("MThd".utf8) + [0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xE0])
        let track: [UInt8] = [0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20, 0x00, 0xC0, 40, 0x00, 0x90, 60, 100,
                              0x8B, 0x20, 0x80, 60, 0x40, 0x83, 0x60, 0xFF, 0x2F, 0x00]
        XCTAssertEqual(Array(bytes[14..<22]), Array("MTrk".utf8) + [0, 0, 0, UInt8(track.count)])
        XCTAssertEqual(Array(bytes[22...]), track)
        XCTAssertEqual(NoteSpec.variableLength(0), [0])
        XCTAssertEqual(NoteSpec.variableLength(0x3FFF), [0xFF, 0x7F])
    }

    /// Evaluation classes never reach alignment, the cap is honoured, and a seed fixes the pick.
    func testHeldOutSplitAndCap() {
        let src = DemoSource(id: "t", package: "t", licence: "CC0", attribution: "t")
        func s(_ label: String, _ i: Int) -> DemoSample { DemoSample(label: label, audio: .file(path: "/x/\(label)\(i).wav"), source: src, name: "\(label)-\(i)") }
        let many = (0..<10).map { s("snare drum", $0) }
        let a = DemoCorpus.capped(many, maxPerClass: 4, seed: 1), b = DemoCorpus.capped(many, maxPerClass: 4, seed: 1)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.count, 4)
        XCTAssertNotEqual(DemoCorpus.capped(many, maxPerClass: 4, seed: 2), a)
    }

    func testRealCorpusBuild() throws {
        let roots = DemoCorpus.Roots()
        let fm = FileManager.default
        guard fm.fileExists(atPath: roots.sonicPi), fm.fileExists(atPath: roots.drumkits), fm.fileExists(atPath: roots.asterisk),
              fm.fileExists(atPath: roots.freepats), fm.fileExists(atPath: "/usr/bin/timidity") else {
            throw XCTSkip("demo Debian packages not installed (Scripts/setup --demo installs sonic-pi-samples hydrogen-drumkits asterisk-core-sounds-en-wav freepats timidity)")
        }
        let full = DemoCorpus(roots: roots, maxPerClass: 40)
        let alignClasses = DemoCorpus.classes(full.alignment), evalClasses = DemoCorpus.classes(full.evaluation)
        print("demo corpus: \(full.alignment.count) alignment samples in \(alignClasses.count) classes, \(full.evaluation.count) evaluation samples in \(evalClasses.count) classes")
        print("  alignment: \(alignClasses.map { c in "\(c) (\(full.alignment.filter { $0.label == c }.count))" }.joined(separator: ", "))")
        print("  evaluation: \(evalClasses.map { c in "\(c) (\(full.evaluation.filter { $0.label == c }.count))" }.joined(separator: ", "))")
        XCTAssertEqual(Set(evalClasses), ["bass", "brass", "flute", "guitar", "keyboard", "mallet", "organ", "reed", "string", "vocal"])
        for c in ["kick drum", "snare drum", "hi-hat", "tom-tom", "cymbal", "clap", "spoken digit seven", "tabla"] {
            XCTAssertTrue(alignClasses.contains(c), c)
        }
        func program(_ s: DemoSample) -> Int? { if case let .note(n) = s.audio { return n.program }; return nil }
        XCTAssertTrue(Set(full.alignment.compactMap(program)).isDisjoint(with: full.evaluation.compactMap(program)), "a patch is in both splits")
        XCTAssertTrue(alignClasses.contains("violin"))
        let evalWords = Set(evalClasses)
        XCTAssertFalse(alignClasses.contains { $0.split(separator: " ").contains { evalWords.contains(String($0)) } })
        XCTAssertEqual(Set(full.sources.map(\.package)), ["hydrogen-drumkits", "sonic-pi-samples", "asterisk-core-sounds-en-wav", "freepats (rendered with timidity)"])

        // A small build: two samples of three alignment classes and two evaluation classes.
        func pick(_ xs: [DemoSample], _ classes: [String]) -> [DemoSample] { classes.flatMap { c in xs.filter { $0.label == c }.prefix(2) } }
        let small = DemoCorpus(alignment: pick(full.alignment, ["kick drum", "spoken digit seven", "tabla"]),
                               evaluation: pick(full.evaluation, ["flute", "bass"]))
        let dir = fm.temporaryDirectory.appendingPathComponent("palm-demo-\(getpid())").path
        defer { try? fm.removeItem(atPath: dir) }
        let summary = try small.build(into: dir)
        XCTAssertEqual(summary.written, small.alignment.count + small.evaluation.count)
        XCTAssertEqual(try small.build(into: dir).kept, summary.written, "a second build keeps every file")
        let flutes = try fm.contentsOfDirectory(atPath: "\(dir)/evaluation/flute")
        XCTAssertEqual(flutes.count, 2)
        let wav = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/evaluation/flute/\(flutes[0])"))
        XCTAssertEqual(String(decoding: wav.prefix(4), as: UTF8.self), "RIFF")
        // Not silence: some 16-bit sample well away from zero.
        let loud = wav.dropFirst(44).withUnsafeBytes { raw in raw.bindMemory(to: Int16.self).contains { abs(Int($0)) > 1000 } }
        XCTAssertTrue(loud, "rendered flute note is silent")
        // Cut to the note plus its 0.4 s release: 2.4 s of 44.1 kHz mono 16-bit.
        XCTAssertEqual(wav.count, 44 + 105_840 * 2)
        let licences = try String(contentsOfFile: "\(dir)/LICENSES.md", encoding: .utf8)
        for needle in ["CC0", "CC-BY-SA 3.0", "GPL-2+", "sonic-pi-samples", "asterisk-core-sounds-en-wav", "hydrogen-drumkits"] {
            XCTAssertTrue(licences.contains(needle), "LICENSES.md lacks \(needle)")
        }
        let manifest = try String(contentsOfFile: "\(dir)/manifest.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(manifest.count, 1 + summary.written)
    }

    /// Builds the whole corpus into `$PALM_DEMO_BUILD_DIR` (skipped unless set): a way to make
    /// the demo data by hand and to time it.
    func testFullBuildIntoDirectory() throws {
        guard let dir = ProcessInfo.processInfo.environment["PALM_DEMO_BUILD_DIR"], !dir.isEmpty else {
            throw XCTSkip("set PALM_DEMO_BUILD_DIR to build the whole demo corpus there")
        }
        let start = Date()
        let summary = try DemoCorpus().build(into: dir)
        print("demo corpus in \(dir): \(summary.written) written, \(summary.kept) kept, \(summary.alignmentClasses.count) alignment and \(summary.evaluationClasses.count) evaluation classes, \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }

    /// A hand-made WAV (fmt, data, a trailing LIST chunk) cut to 0.5 s of 8 Hz stereo 16-bit.
    func testWAVTruncation() throws {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        let samples = (0..<40).flatMap { i -> [UInt8] in [UInt8(i), 0] }  // 20 frames x 2 channels
        let fmt: [UInt8] = Array("fmt ".utf8) + le32(16) + [1, 0, 2, 0] + le32(8) + le32(32) + [4, 0, 16, 0]
        let data: [UInt8] = Array("data".utf8) + le32(samples.count) + samples
        let list: [UInt8] = Array("LIST".utf8) + le32(4) + Array("INFO".utf8)
        let body = Array("WAVE".utf8) + fmt + data + list
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("palm-trunc-\(getpid()).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(Array("RIFF".utf8) + le32(body.count) + body).write(to: URL(fileURLWithPath: path))
        try WAVTruncation.truncate(path, seconds: 0.5)
        let out = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(out.count, 12 + fmt.count + 8 + 16)            // 4 frames x 4 bytes
        XCTAssertEqual(Array(out[4..<8]), le32(out.count - 8))
        XCTAssertEqual(Array(out[(12 + fmt.count + 4)..<(12 + fmt.count + 8)]), le32(16))
        XCTAssertEqual(Array(out.suffix(16)), Array(samples.prefix(16)))
        try WAVTruncation.truncate(path, seconds: 10)                   // already short: unchanged
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), out)
    }
}
