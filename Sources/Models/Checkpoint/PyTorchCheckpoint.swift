import Foundation
import Tensor

/// A PyTorch zip checkpoint (`torch.save` since 1.6: `.pth`/`.pt`) read as a lazy state dict.
///
/// The archive holds `<archive>/data.pkl` (the pickled object), `<archive>/data/<key>` (one raw
/// little-endian storage per key), `<archive>/byteorder` and `<archive>/version`. Opening reads
/// the zip directory and `data.pkl` through the restricted `Unpickler` (nothing in the file is
/// ever executed; unknown pickle globals are refused by name); `tensor(_:)` then reads just the
/// storage bytes of the key asked for from the memory map, so the 2.2 GB PENGI `base.pth`
/// costs only the encoder tensors palm loads.
///
/// The state dict is found where training scripts put it: the pickled object itself,
/// `obj['model']`, `obj['state_dict']`, or the first element of a tuple/list (aisfx saves
/// `(state_dict, ds_dict)`). When none of these holds a tensor but the object is a dict of
/// dicts, as the PALM reference saves learned prompts (`{'prompt_learner': state_dict,
/// 'pengi_bn0_buffer': {...}}`), the tensors of the nested string-keyed dicts are read under
/// dotted names, the way torch names a submodule's parameters (`prompt_learner.ctx`,
/// `pengi_bn0_buffer.num_batches_tracked`). When every key starts with `module.` (a
/// `DataParallel` save) the prefix is stripped. Non-tensor entries are skipped. Every dtype is
/// converted to float32. `readValue(path:)` reads the whole pickled object instead.
public final class PyTorchCheckpoint: TensorSource {
    public let sourceName: String
    private let archive: TorchArchive
    private let records: [String: TensorRecord]
    /// Globals outside the state dict that palm refused and skipped (e.g. a training script's
    /// `argparse.Namespace`): listed, never imported or called. Empty for plain state dicts.
    public let ignoredGlobals: [String]

    /// Opens `path`. Throws `CheckpointError` naming the file: `.unreadable` (missing, or not a
    /// regular file: a FIFO is refused, never opened), `.malformed` (not a zip, truncated, no `data.pkl`, no state dict, a tensor whose shape,
    /// strides or offset are negative or overflow), `.refusedGlobal`, `.unsupported`
    /// (compressed entries, big-endian data) or `.storageTooShort` naming the tensor key.
    public convenience init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    /// Opens a checkpoint already mapped, as `init(path:)`.
    init(file: MappedFile) throws {
        let path = file.path
        sourceName = path
        archive = try TorchArchive(file: file)
        var unpickler = Unpickler(try archive.pickle(), path: path)
        var ignored: [String] = []
        var found = try unpickler.load { object -> [String: TensorRecord] in
            var dicts: [(prefix: String, dict: PickleDict)] = []
            if let dict = Self.stateDict(in: object) {
                dicts = [("", dict)]
            } else if case let .dict(top) = object {
                dicts = try Self.nestedStateDicts(in: top, path: path)
            }
            if dicts.isEmpty {
                if let name = object.firstRefused() { throw CheckpointError.refusedGlobal(name: name, path: path) }
                throw CheckpointError.malformed(path: path, reason: "data.pkl holds a \(object.kind) with no state dict of tensors (looked at the top level, ['model'], ['state_dict'], the first tuple element and dicts nested in a top-level dict)")
            }
            for (_, dict) in dicts {
                if let name = PickleValue.dict(dict).firstRefused(depth: 1) { throw CheckpointError.refusedGlobal(name: name, path: path) }
            }
            ignored = object.refusedNames()
            var records: [String: TensorRecord] = [:]
            for (prefix, dict) in dicts {
                for (k, v) in dict.pairs {
                    guard case let .string(key) = k, case let .tensor(r) = v else { continue }
                    // Dotted names of nested dicts can collide ({'a': {'b.c': x}, 'a.b': {'c': y}});
                    // within one dict a repeated key is Python's last-one-wins.
                    if !prefix.isEmpty, records[prefix + key] != nil {
                        throw CheckpointError.malformed(path: path, reason: "two tensors in nested dicts are both named '\(prefix + key)'")
                    }
                    records[prefix + key] = r
                }
            }
            return records
        }
        if !found.isEmpty, found.keys.allSatisfy({ $0.hasPrefix("module.") }) {
            found = Dictionary(uniqueKeysWithValues: found.map { (String($0.key.dropFirst("module.".count)), $0.value) })
        }
        records = found
        ignoredGlobals = ignored
        // Check every tensor against its storage now: this reads only zip headers (one page per
        // storage, no tensor data), and a damaged checkpoint then fails at open, naming the
        // key, not halfway through a load; `info` then reports only shapes that were checked.
        for (key, r) in found { _ = try archive.view(r, key: key) }
    }

    public var keys: [String] { records.keys.sorted() }

    public func info(_ key: String) -> TensorInfo? {
        records[key].map { TensorInfo(dtype: $0.storage.dtype, shape: $0.shape) }
    }

    public func tensor(_ key: String) throws -> Tensor {
        guard let r = records[key] else { throw CheckpointError.missingKey(key: key, source: sourceName) }
        return try archive.floatTensor(r, key: key)
    }

    /// The dict of tensors inside `object`, following the usual wrappers (at most a few levels:
    /// a hostile pickle may nest a million tuples).
    private static func stateDict(in object: PickleValue, depth: Int = 0) -> PickleDict? {
        guard depth < 8 else { return nil }
        switch object {
        case let .dict(d):
            for wrapper in ["model", "state_dict"] {
                if let inner = d[wrapper], let found = stateDict(in: inner, depth: depth + 1) { return found }
            }
            return d.pairs.contains(where: { if case .tensor = $0.value { return true }; return false }) ? d : nil
        case let .tuple(l), let .list(l):
            return l.items.first.flatMap { stateDict(in: $0, depth: depth + 1) }
        default:
            return nil
        }
    }

    /// The string-keyed dicts holding tensors below `top`, each with its dotted key prefix
    /// (`prompt_learner.`), depth first in the file's order. At most a few levels deep, like
    /// `stateDict(in:)`, and at most a million entries visited: pickle's memo lets a small
    /// file reference one dict from many places, so a hostile tree can be exponentially wide.
    private static func nestedStateDicts(in top: PickleDict, path: String) throws -> [(prefix: String, dict: PickleDict)] {
        var found: [(prefix: String, dict: PickleDict)] = []
        var budget = 1 << 20
        func walk(_ d: PickleDict, _ prefix: String, _ depth: Int) throws {
            guard depth < 8 else { return }
            budget -= d.pairs.count
            guard budget >= 0 else {
                throw CheckpointError.malformed(path: path, reason: "the dicts nested in data.pkl hold more than \(1 << 20) entries (shared or cyclic references)")
            }
            if depth > 0, d.pairs.contains(where: { if case .tensor = $0.value { return true }; return false }) {
                found.append((prefix, d))
            }
            for (k, v) in d.pairs {
                if case let .string(key) = k, case let .dict(inner) = v { try walk(inner, prefix + key + ".", depth + 1) }
            }
        }
        try walk(top, "", 0)
        return found
    }
}
