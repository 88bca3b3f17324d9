/// The original GTZAN distribution (GT-Music-Genre): `genres/<genre>/*.{au,wav}` (also
/// `genres_original/`, or genre folders directly under the root). GTZAN has no official split:
/// `DeterministicSplit.trainTest` (stratified 80/20, 200 test clips of 1000).
enum GTZANLayout {
    static func read(root: String) throws -> Dataset {
        let known = KnownDataset.gtMusicGenre
        let dir = ["genres", "genres_original", "Data/genres_original"].map { root + "/" + $0 }
            .first(where: DirectoryScan.isDirectory) ?? root
        let entries = try ClassFolders.entries(in: dir, known: known)
        return try DatasetBuilder(name: known.name, layout: "GTZAN original (genres/<genre>/, deterministic 80/20 split)",
                                  root: root, known: known)
            .build(splits: [DeterministicSplit.trainTest(entries)], folds: nil)
    }
}
