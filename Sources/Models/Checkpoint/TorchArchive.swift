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

    /// Maps `path`, reads the zip directory, finds `data.pkl` and checks the byte order.
    init(path: String) throws {
        self.path = path
        archive = try ZipArchive(try MappedFile(path: path))
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

    /// The storage bytes of `r`, checked to cover every element the view reaches. `key` names
    /// the tensor in errors.
    func storageBytes(for r: TensorRecord, key: String) throws -> UnsafeRawBufferPointer {
        let name = root + "data/" + r.storage.key
        guard let entry = archive.entry(name) else {
            throw CheckpointError.malformed(path: path, reason: "tensor '\(key)' refers to storage '\(r.storage.key)' but the archive has no entry '\(name)'")
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
            throw CheckpointError.storageTooShort(key: key, needed: overflow || o3 ? Int.max : neededBytes, available: available, path: path)
        }
        var count = 1
        for n in r.shape {
            let (c, o) = count.multipliedReportingOverflow(by: n)
            guard !o else { throw CheckpointError.malformed(path: path, reason: "tensor '\(key)' has an impossible shape \(shapeString(r.shape))") }
            count = c
        }
        return data
    }

    /// The tensor `r` converted to contiguous float32, whatever its stored dtype and strides.
    func floatTensor(_ r: TensorRecord, key: String) throws -> Tensor {
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

    /// The elements of an integer or bool tensor `r`, row-major, widened exactly to Int64
    /// (float32 holds integers exactly only up to 2^24; a step counter must come back as is).
    func int64Values(_ r: TensorRecord, key: String) throws -> [Int64] {
        let data = try storageBytes(for: r, key: key)
        let n = elementCount(r.shape)
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
