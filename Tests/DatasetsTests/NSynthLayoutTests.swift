import XCTest
import Datasets

/// The original NSynth distribution (`nsynth-*/examples.json`), synth_lead excluded.
final class NSynthLayoutTests: XCTestCase {
    static let families = ["bass", "brass", "flute", "guitar", "keyboard", "mallet", "organ", "reed", "string", "vocal"]

    func write(_ tree: DatasetTree, folder: String, perFamily: Int, synthLead: Int) throws {
        var json: [String: Any] = [:]
        for f in Self.families + ["synth_lead"] {
            let count = f == "synth_lead" ? synthLead : perFamily
            for i in 0..<count {
                let note = "\(f)_acoustic_\(String(format: "%03d", i))-060-100"
                try tree.wav("\(folder)/audio/\(note).wav", frames: 80)
                json[note] = ["instrument_family_str": f, "pitch": 60, "velocity": 100]
            }
        }
        let data = try JSONSerialization.data(withJSONObject: json)
        try tree.text("\(folder)/examples.json", String(decoding: data, as: UTF8.self))
    }

    func testTrainAndTestFoldersWithSynthLeadExcluded() throws {
        let tree = try DatasetTree("nsynth")
        defer { tree.remove() }
        try write(tree, folder: "nsynth-train", perFamily: 3, synthLead: 2)
        try write(tree, folder: "nsynth-valid", perFamily: 1, synthLead: 0)
        try write(tree, folder: "nsynth-test", perFamily: 2, synthLead: 0)
        let d = try Dataset.load("NS-Instruments", root: tree.root)
        XCTAssertEqual(d.classes, Self.families)
        let s = try d.split()
        XCTAssertEqual(s.train.count, 30, "synth_lead notes are excluded")
        XCTAssertEqual(s.test.count, 20)
        XCTAssertTrue(s.train.allSatisfy { $0.path.contains("/nsynth-train/audio/") })
        XCTAssertTrue(s.test.allSatisfy { $0.path.contains("/nsynth-test/audio/") })
        XCTAssertFalse((s.train + s.test).contains { $0.path.contains("synth_lead") })
        XCTAssertTrue(d.layout.contains("synth_lead excluded"))
    }

    func testValidStandsInForAMissingTrainSet() throws {
        let tree = try DatasetTree("nsynth")
        defer { tree.remove() }
        try write(tree, folder: "nsynth-valid", perFamily: 2, synthLead: 0)
        try write(tree, folder: "nsynth-test", perFamily: 1, synthLead: 0)
        let s = try Dataset.load("nsynth", root: tree.root).split()
        XCTAssertEqual(s.train.count, 20)
        XCTAssertTrue(s.train.allSatisfy { $0.path.contains("/nsynth-valid/") })
    }
}
