import Foundation
import Support

/// Writes PyTorch zip checkpoints natively, readable by `torch.load(path, weights_only=True)`
/// and by `PyTorchCheckpoint`: how palm saves learned prompts in the PALM reference's own
/// format (`{'prompt_learner': state_dict, 'pengi_bn0_buffer': {...}}`).
///
/// The archive is what `torch.save` (zipfile serialization, pickle protocol 2) writes, every
/// record under one folder named after the file's stem (`ESC50-FOLD1-SEED0/`):
///
/// | record | holds |
/// |---|---|
/// | `data.pkl` | the value, pickled by `PickleWriter` |
/// | `byteorder` | `little` |
/// | `data/0`, `data/1`, ... | each tensor's storage, raw little-endian, numbered in pickle order |
/// | `version` | `3\n` |
///
/// Entries are STORED with real CRC-32s and their data aligned to 64 bytes (`ZipStoreWriter`).
/// torch's optional records are left out on purpose: `.data/serialization_id` is random (its
/// absence keeps the output a function of the value), and `.format_version` / `.storage_alignment`
/// would tell torch it may compute storage offsets from miniz's own layout (data descriptors
/// after each entry), which this writer does not reproduce; without them torch reads each
/// storage's offset from its local header, as for any checkpoint saved before torch 2.1.
public enum PyTorchCheckpointWriter {
    /// When the archive uses ZIP64 fields.
    public enum Zip64: Sendable {
        /// Only for sizes and offsets past 4 GiB (never, for learned prompts).
        case whenNeeded
        /// For every entry and the end records, as miniz writes large archives; lets tests
        /// check the ZIP64 layout on a small file.
        case always
    }

    /// Writes `value` to `path` atomically (through `AtomicFile`: a reader sees the old file or
    /// the new one, never half of one). `archiveName` is the top folder inside the zip;
    /// by default the file's stem, as torch names it (`archive` for a stem-less name).
    ///
    /// Throws `CheckpointError.unwritable` naming the file and the key of a value it cannot
    /// write (an int64 tensor whose values do not fill its shape, a repeated dict key, a bad
    /// archive name), or `AtomicWriteError` naming the file when writing fails.
    public static func write(_ value: CheckpointValue, to path: String, archiveName: String? = nil,
                             zip64: Zip64 = .whenNeeded, createDirectory: Bool = false) throws {
        let bytes = try archive(value, path: path, archiveName: archiveName ?? stem(of: path), zip64: zip64)
        try AtomicFile.write(bytes, to: path, createDirectory: createDirectory)
    }

    /// The checkpoint's bytes; `path` only names the file in errors.
    static func archive(_ value: CheckpointValue, path: String, archiveName: String, zip64: Zip64) throws -> [UInt8] {
        // The folder is the first path component of every record, and torch finds it as the
        // text before the first "/" of the first record.
        guard !archiveName.isEmpty, !archiveName.contains("/"), !archiveName.contains("\\"),
              archiveName.utf8.count <= 1024 else {
            throw CheckpointError.unwritable(path: path, reason: "archive name '\(archiveName)' must be 1 to 1024 bytes without '/' or '\\'")
        }
        var pickle = PickleWriter(path: path)
        try pickle.write(value)
        var zip = ZipStoreWriter(zip64Always: zip64 == .always)
        let root = archiveName + "/"
        // data.pkl first: torch.load takes the folder name from the first record.
        zip.add(root + "data.pkl", pickle.finished())
        zip.add(root + "byteorder", Array("little".utf8))
        for (key, storage) in pickle.storages.enumerated() { zip.add(root + "data/\(key)", storage) }
        zip.add(root + "version", Array("3\n".utf8))
        return zip.finished()
    }

    /// torch's archive name for a file: its last path component (after a '/' or '\\', as
    /// torch splits) without the extension.
    static func stem(of path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last!
            .split(separator: "\\", omittingEmptySubsequences: false).last!
        let stem = name.lastIndex(of: ".").map { String(name[..<$0]) } ?? String(name)
        return stem.isEmpty ? "archive" : stem
    }
}
