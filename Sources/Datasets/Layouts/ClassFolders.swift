/// Reading "one sub-folder per class" directories, shared by the class-folder layouts.
enum ClassFolders {
    /// Each visible sub-folder of `dir` is a class and its audio files (recursively) are the
    /// class's items. With `known`, folder names are mapped to the reference strings
    /// (`throat_clearing` -> `Throat clearing`) and a folder that is no class is an error.
    /// - Throws: `.emptyClass` for a class folder without audio, `.unknownClass`.
    static func entries(in dir: String, known: KnownDataset?) throws -> [Entry] {
        var out: [Entry] = []
        for folder in DirectoryScan.subdirectories(of: dir) {
            let classname = try reference(folder, location: "\(dir)/\(folder)/", known: known)
            let files = try DirectoryScan.audioFiles(under: "\(dir)/\(folder)")
            if files.isEmpty { throw DatasetError.emptyClass(name: classname, location: "folder \(dir)/\(folder) has no audio files") }
            out += files.map { Entry(path: $0, classname: classname, source: EntrySource(file: "\(dir)/\(folder)")) }
        }
        return out
    }

    /// A flat folder whose file names start with the class: `casual_001.wav`, `gunshot-12.wav`
    /// (the class is the name up to the first `_`, `-` or digit).
    static func prefixedEntries(in dir: String, known: KnownDataset) throws -> [Entry] {
        try DirectoryScan.audioFiles(under: dir, recursive: false).map { path in
            let name = String(path.split(separator: "/").last!)
            let prefix = String(name.prefix { $0.isLetter || $0 == " " })
            return Entry(path: path, classname: try reference(prefix, location: path, known: known),
                         source: EntrySource(file: path))
        }
    }

    /// `label` as the reference spells it (or unchanged without `known`).
    static func reference(_ label: String, location: String, known: KnownDataset?) throws -> String {
        guard let known else { return label }
        guard let name = known.referenceClass(for: label) else {
            throw DatasetError.unknownClass(label: label, location: location, expected: known.classes)
        }
        return name
    }

    /// True when `dir` has both `train/` and `test/` sub-folders.
    static func hasTrainTest(_ dir: String) -> Bool {
        DirectoryScan.isDirectory(dir + "/train") && DirectoryScan.isDirectory(dir + "/test")
    }
}
