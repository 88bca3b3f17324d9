import Foundation
import Tensor

/// The zip layout `torch.save` writes, opened: `<root>/data.pkl` (the pickled object),
/// `<root>/data/<key>` (one raw little-endian storage per key), `<root>/byteorder` and
/// `<root>/version`. Shared by the lazy state-dict reader (`PyTorchCheckpoint`) and the
/// whole-tree reader (`PyTorchCheckpoint.readValue`); every storage access is checked against
/// the file, which is untrusted input.
struct TorchArchive {
    let path: String
    let archive: ZipArchive
    /// Zip entry-name prefix, e.g. `"base/"`.
    let root: String
    /// The entry holding the pickled object.
    private let pickleEntry: ZipArchive.Entry

    /// Maps `path` (refused before `open` unless it is a regular file), then as `init(file:)`.
    init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    /// Reads the zip directory of `file`, finds `data.pkl` and checks the byte order.
    init(file: MappedFile) throws {
        path = file.path
        archive = try ZipArchive(file)
        // torch names the top folder after the file stem, which can be anything: find data.pkl
        // one level down.
        guard let pickle = archive.entries.first(where: { $0.name.hasSuffix("/data.pkl") && $0.name.dropLast(9).firstIndex(of: "/") == nil })
                ?? archive.entry("data.pkl") else {
            throw CheckpointError.malformed(path: path, reason: "zip archive has no data.pkl (is it a PyTorch checkpoint saved with torch.save?)")
        }
        pickleEntry = pickle
        root = String(pickle.name.dropLast("data.pkl".count))
        if let order = archive.entry(root + "byteorder") {
            let text = String(decoding: try archive.data(of: order), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text == "little" else { throw CheckpointError.unsupported(path: path, reason: "byte order '\(text)'; palm reads little-endian checkpoints") }
        }
    }

    /// The bytes of `data.pkl` (valid while the archive's file is mapped).
    func pickle() throws -> UnsafeRawBufferPointer { try archive.data(of: pickleEntry) }

    /// A tensor view checked against its storage: the storage's bytes and the view's size.
    struct CheckedView {
        /// The whole storage entry (valid while the archive's file is mapped).
        let data: UnsafeRawBufferPointer
        /// Elements of the view, and so of the contiguous tensor made from it.
        let elements: Int
    }

    /// Checks `r` before anything is allocated or read: its shape, strides and offset are sized
    /// with overflow checks and bounded by the file's size (`TensorExtent`), and its storage
    /// entry must exist and hold every element the view reaches. `key` names the tensor in
    /// errors.
    func view(_ r: TensorRecord, key: String) throws -> CheckedView {
        // `TensorExtent` also bounds the elements by the file's size: a view with stride 0
        // reaches one storage element but is copied out whole.
        let extent = try TensorExtent(shape: r.shape, dtype: r.storage.dtype, key: key, path: path, fileBytes: archive.file.bytes.count)
        let reached = try extent.storageElements(offset: r.offset, strides: r.strides, key: key, path: path)
        let name = root + "data/" + r.storage.key
        guard let entry = archive.entry(name) else {
            throw CheckpointError.malformed(path: path, reason: "tensor \(CheckpointError.quoted(key)) refers to storage '\(r.storage.key)' but the archive has no entry '\(name)'")
        }
        let data = try archive.data(of: entry)
        let size = r.storage.dtype.size
        // The storage holds what both its zip entry and its declared element count say.
        let (declaredBytes, declaredOverflow) = r.storage.count.multipliedReportingOverflow(by: size)
        let available = declaredOverflow ? data.count : min(data.count, declaredBytes)
        let (neededBytes, neededOverflow) = reached.multipliedReportingOverflow(by: size)
        guard !neededOverflow, neededBytes <= available else {
            throw CheckpointError.storageTooShort(key: key, needed: neededOverflow ? Int.max : neededBytes, available: available, path: path)
        }
        return CheckedView(data: data, elements: extent.elements)
    }

    /// The tensor `r` converted to contiguous float32, whatever its stored dtype and strides.
    func floatTensor(_ r: TensorRecord, key: String) throws -> Tensor {
        let data = try view(r, key: key).data
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

    /// The elements of an integer or bool tensor `r`, row-major, widened exactly to Int64
    /// (float32 holds integers exactly only up to 2^24; a step counter must come back as is).
    func int64Values(_ r: TensorRecord, key: String) throws -> [Int64] {
        let checked = try view(r, key: key)
        let data = checked.data
        let n = checked.elements
        guard n > 0, let base = data.baseAddress else { return [] }
        let dtype = r.storage.dtype
        func load(_ element: Int) -> Int64 {
            let at = element * dtype.size
            switch dtype {
            case .int64: return base.loadUnaligned(fromByteOffset: at, as: Int64.self)
            case .int32: return Int64(base.loadUnaligned(fromByteOffset: at, as: Int32.self))
            case .int16: return Int64(base.loadUnaligned(fromByteOffset: at, as: Int16.self))
            case .int8: return Int64(base.load(fromByteOffset: at, as: Int8.self))
            default: return Int64(base.load(fromByteOffset: at, as: UInt8.self))  // uint8, bool
            }
        }
        var out: [Int64] = []
        out.reserveCapacity(n)
        var index = [Int](repeating: 0, count: r.shape.count)
        for _ in 0..<n {
            var element = r.offset
            for d in 0..<index.count { element += index[d] * r.strides[d] }
            out.append(load(element))
            var d = index.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < r.shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return out
    }
}
