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
/// `(state_dict, ds_dict)`). When every key starts with `module.` (a `DataParallel` save) the
/// prefix is stripped. Non-tensor entries are skipped. Every dtype is converted to float32.
public final class PyTorchCheckpoint: TensorSource {
    public let sourceName: String
    private let archive: ZipArchive
    /// Zip entry-name prefix, e.g. `"base/"`.
    private let root: String
    private let records: [String: TensorRecord]

    /// Opens `path`. Throws `CheckpointError` naming the file: `.unreadable`, `.malformed`
    /// (not a zip, truncated, no `data.pkl`, no state dict), `.refusedGlobal`, `.unsupported`
    /// (compressed entries, big-endian data) or `.storageTooShort` naming the tensor key.
    public init(path: String) throws {
        sourceName = path
        let file = try MappedFile(path: path)
        archive = try ZipArchive(file)
        // torch names the top folder after the file stem, which can be anything: find data.pkl
        // one level down.
        guard let pickle = archive.entries.first(where: { $0.name.hasSuffix("/data.pkl") && $0.name.dropLast(9).firstIndex(of: "/") == nil })
                ?? archive.entry("data.pkl") else {
            throw CheckpointError.malformed(path: path, reason: "zip archive has no data.pkl (is it a PyTorch checkpoint saved with torch.save?)")
        }
        root = String(pickle.name.dropLast("data.pkl".count))
        if let order = archive.entry(root + "byteorder") {
            let text = String(decoding: try archive.data(of: order), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text == "little" else { throw CheckpointError.unsupported(path: path, reason: "byte order '\(text)'; palm reads little-endian checkpoints") }
        }
        var unpickler = Unpickler(try archive.data(of: pickle), path: path)
        var found = try unpickler.load { object -> [String: TensorRecord] in
            guard let dict = Self.stateDict(in: object) else {
                throw CheckpointError.malformed(path: path, reason: "data.pkl holds a \(object.kind) with no state dict of tensors (looked at the top level, ['model'], ['state_dict'] and the first tuple element)")
            }
            var records: [String: TensorRecord] = [:]
            for (k, v) in dict.pairs {
                guard case let .string(key) = k, case let .tensor(r) = v else { continue }
                records[key] = r
            }
            return records
        }
        if !found.isEmpty, found.keys.allSatisfy({ $0.hasPrefix("module.") }) {
            found = Dictionary(uniqueKeysWithValues: found.map { (String($0.key.dropFirst("module.".count)), $0.value) })
        }
        records = found
        // Check every tensor against its storage now: this reads only zip headers (one page per
        // storage, no tensor data), and a damaged checkpoint then fails at open, naming the
        // key, not halfway through a load.
        for (key, r) in found { _ = try storageBytes(for: r, key: key) }
    }

    public var keys: [String] { records.keys.sorted() }

    public func info(_ key: String) -> TensorInfo? {
        records[key].map { TensorInfo(dtype: $0.storage.dtype, shape: $0.shape) }
    }

    public func tensor(_ key: String) throws -> Tensor {
        guard let r = records[key] else { throw CheckpointError.missingKey(key: key, source: sourceName) }
        let data = try storageBytes(for: r, key: key)
        let t = Tensor.zeros(r.shape)
        let n = t.count
        guard n > 0, let base = data.baseAddress, let fileBase = archive.file.bytes.baseAddress else { return t }
        let start = base - fileBase
        defer { archive.file.evict(start..<(start + data.count)) }
        let size = r.storage.dtype.size
        let out = t.pointer
        if r.strides == contiguousStrides(r.shape) || n == 1 {
            convertToFloat(base + r.offset * size, dtype: r.storage.dtype, count: n, into: out)
            return t
        }
        // A non-contiguous view (a transposed weight saved without .contiguous()): walk the
        // row-major index, converting one inner row at a time.
        let rank = r.shape.count
        let inner = r.shape[rank - 1], innerStride = r.strides[rank - 1]
        var index = [Int](repeating: 0, count: max(rank - 1, 0))
        var written = 0
        while written < n {
            var element = r.offset
            for d in 0..<(rank - 1) { element += index[d] * r.strides[d] }
            if innerStride == 1 {
                convertToFloat(base + element * size, dtype: r.storage.dtype, count: inner, into: out + written)
            } else {
                for j in 0..<inner {
                    convertToFloat(base + (element + j * innerStride) * size, dtype: r.storage.dtype, count: 1, into: out + written + j)
                }
            }
            written += inner
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                if index[d] < r.shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return t
    }

    /// The storage bytes of `r`, checked to cover every element the view reaches.
    private func storageBytes(for r: TensorRecord, key: String) throws -> UnsafeRawBufferPointer {
        let name = root + "data/" + r.storage.key
        guard let entry = archive.entry(name) else {
            throw CheckpointError.malformed(path: sourceName, reason: "tensor '\(key)' refers to storage '\(r.storage.key)' but the archive has no entry '\(name)'")
        }
        let data = try archive.data(of: entry)
        let size = r.storage.dtype.size
        // Elements needed: one past the farthest element the strided view touches. Shapes,
        // strides and counts come from the file, so the arithmetic checks for overflow.
        var needed = 0
        var overflow = false
        if !r.shape.contains(0) {
            (needed, overflow) = r.offset.addingReportingOverflow(1)
            for (n, s) in zip(r.shape, r.strides) {
                let (step, o1) = (n - 1).multipliedReportingOverflow(by: s)
                let (sum, o2) = needed.addingReportingOverflow(step)
                overflow = overflow || o1 || o2
                needed = sum
            }
        }
        let (neededBytes, o3) = needed.multipliedReportingOverflow(by: size)
        let (declaredBytes, o4) = r.storage.count.multipliedReportingOverflow(by: size)
        let available = o4 ? data.count : min(data.count, declaredBytes)
        guard !overflow, !o3, neededBytes <= available else {
            throw CheckpointError.storageTooShort(key: key, needed: overflow || o3 ? Int.max : neededBytes, available: available, path: sourceName)
        }
        var count = 1
        for n in r.shape {
            let (c, o) = count.multipliedReportingOverflow(by: n)
            guard !o else { throw CheckpointError.malformed(path: sourceName, reason: "tensor '\(key)' has an impossible shape \(shapeString(r.shape))") }
            count = c
        }
        return data
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
}
