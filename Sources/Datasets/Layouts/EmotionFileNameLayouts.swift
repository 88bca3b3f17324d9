/// RAVDESS and CREMA-D: the emotion is coded in each file name. Neither has an official
/// train/test split, so both use `DeterministicSplit.trainTest` (stratified 80/20; the
/// reference's counts, 491 of 2452 RAVDESS and 1489 of 7442 CREMA-D clips in test, are 20 %).
///
/// RAVDESS: `Actor_XX/MM-VV-EE-II-SS-RR-AA.wav`, modality MM `03` (audio-only; the video files
/// `01`/`02` are skipped), speech (`VV` 01) and song (02) both kept, emotion `EE` 01...08 =
/// neutral, calm, happy, sad, angry, fearful, disgust, surprised.
enum RAVDESSLayout {
    static let emotions = ["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"]

    static func read(root: String) throws -> Dataset {
        var entries: [Entry] = []
        for path in try DirectoryScan.audioFiles(under: root) {
            let stem = String(path.split(separator: "/").last!.split(separator: ".").first!)
            let codes = stem.split(separator: "-")
            guard codes.count == 7, let emotion = Int(codes[2]), (1...8).contains(emotion) else {
                throw DatasetError.malformedRow(location: path,
                    reason: "expected a RAVDESS name MM-VV-EE-II-SS-RR-AA with emotion EE in 01...08")
            }
            guard codes[0] == "03" else { continue }
            entries.append(Entry(path: path, classname: emotions[emotion - 1], source: EntrySource(file: path)))
        }
        return try DatasetBuilder(name: KnownDataset.ravdess.name,
                                  layout: "RAVDESS original (emotion in file names, deterministic 80/20 split)",
                                  root: root, known: .ravdess)
            .build(splits: [DeterministicSplit.trainTest(entries)], folds: nil)
    }
}

/// CREMA-D: `AudioWAV/<actor>_<sentence>_<EMO>_<level>.wav` (or the files directly under the
/// root), EMO = ANG, DIS, FEA, HAP, NEU, SAD -> anger, disgust, fear, happy, neutral, sad.
enum CREMADLayout {
    static let emotions = ["ANG": "anger", "DIS": "disgust", "FEA": "fear", "HAP": "happy", "NEU": "neutral", "SAD": "sad"]

    static func read(root: String) throws -> Dataset {
        let dir = DirectoryScan.isDirectory(root + "/AudioWAV") ? root + "/AudioWAV" : root
        var entries: [Entry] = []
        for path in try DirectoryScan.audioFiles(under: dir) {
            let stem = String(path.split(separator: "/").last!.split(separator: ".").first!)
            let parts = stem.split(separator: "_")
            guard parts.count == 4, let emotion = emotions[String(parts[2])] else {
                throw DatasetError.malformedRow(location: path,
                    reason: "expected a CREMA-D name ACTOR_SENTENCE_EMO_LEVEL with EMO one of ANG, DIS, FEA, HAP, NEU, SAD")
            }
            entries.append(Entry(path: path, classname: emotion, source: EntrySource(file: path)))
        }
        return try DatasetBuilder(name: KnownDataset.cremaD.name,
                                  layout: "CREMA-D original (AudioWAV/, deterministic 80/20 split)",
                                  root: root, known: .cremaD)
            .build(splits: [DeterministicSplit.trainTest(entries)], folds: nil)
    }
}
