import Foundation

/// The original NSynth distribution (NS-Instruments): `nsynth-{train,valid,test}/examples.json`
/// (an object keyed by note name, each with `instrument_family_str`) and
/// `nsynth-*/audio/<note>.wav`. Train is `nsynth-train` (or `nsynth-valid` when the large train
/// set is absent); test is `nsynth-test` (4096 notes, the reference's test count).
///
/// NSynth has 11 families; the reference's 10 classes leave out `synth_lead`, so its notes are
/// **excluded** (nsynth-test has none of them anyway).
enum NSynthLayout {
    /// The family the reference does not use.
    static let excludedFamilies: Set<String> = ["synth_lead"]

    static func read(root: String) throws -> Dataset {
        let known = KnownDataset.nsInstruments
        let trainDir = DirectoryScan.isDirectory(root + "/nsynth-train") ? root + "/nsynth-train" : root + "/nsynth-valid"
        let paths = RowPaths(root: root)
        let split = RawSplit(fold: nil, train: try entries(trainDir, paths: paths), test: try entries(root + "/nsynth-test", paths: paths))
        let layout = "NSynth original (\((trainDir as NSString).lastPathComponent), nsynth-test; synth_lead excluded)"
        return try DatasetBuilder(name: known.name, layout: layout, root: root, known: known).build(splits: [split], folds: nil)
    }

    private static func entries(_ dir: String, paths: RowPaths) throws -> [Entry] {
        let file = dir + "/examples.json"
        let data = Data(try ListFile.bytes(file, layout: "NSynth original"))
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw DatasetError.malformedRow(location: file, reason: "expected a JSON object keyed by note name")
        }
        var out: [Entry] = []
        for key in object.keys.sorted(by: ClassOrder.precedes) {
            let location = "\(file), key '\(DatasetError.shown(key))'"
            guard let note = object[key] as? [String: Any], let family = note["instrument_family_str"] as? String else {
                throw DatasetError.missingColumn(file: location, column: "instrument_family_str",
                                                 found: ((object[key] as? [String: Any])?.keys.sorted()) ?? [])
            }
            if excludedFamilies.contains(family) { continue }
            guard let classname = KnownDataset.nsInstruments.referenceClass(for: family) else {
                throw DatasetError.unknownClass(label: family, location: location, expected: KnownDataset.nsInstruments.classes)
            }
            let path = try paths.file("audio/\(key).wav", base: dir, at: location)
            out.append(Entry(path: path, classname: classname, source: EntrySource(file: location)))
        }
        return out
    }
}
