import Foundation
import Support
import Tensor

/// A `.safetensors` file (Hugging Face format): an 8-byte little-endian header length, a JSON
/// header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`, then the
/// raw little-endian data. Read lazily from a memory map; the header is checked against the
/// file at open (`SafeTensorsHeader`), so every tensor read afterwards lies inside the file.
public final class SafeTensorsFile: TensorSource {
    public let sourceName: String
    /// The `__metadata__` string map (palm stores fingerprints there).
    public let metadata: [String: String]
    private let file: MappedFile
    private let header: SafeTensorsHeader

    /// Opens and validates the header of `path` (no tensor data is read). Throws
    /// `CheckpointError` naming the file, and the tensor when one is at fault; a path that is
    /// not a regular file (a FIFO, a device) is refused without being opened.
    public convenience init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    /// Validates the header of a file already mapped.
    init(file: MappedFile) throws {
        self.file = file
        sourceName = file.path
        header = try SafeTensorsHeader(file)
        metadata = header.metadata
    }

    public var keys: [String] { header.entries.keys.sorted() }
    public func info(_ key: String) -> TensorInfo? { header.entries[key]?.info }

    public func tensor(_ key: String) throws -> Tensor {
        guard let e = header.entries[key] else { throw CheckpointError.missingKey(key: key, source: sourceName) }
        // The header check made the element count exact and `begin..<end` a range of the file.
        let t = Tensor.zeros(e.info.shape)
        if t.count > 0, let base = file.bytes.baseAddress {
            let start = header.dataStart + e.begin
            convertToFloat(base + start, dtype: e.info.dtype, count: t.count, into: t.pointer)
            file.evict(start..<(header.dataStart + e.end))
        }
        return t
    }

    /// Writes float32 `tensors` to `path` atomically (temporary file, then rename), keys sorted
    /// and the header padded to 8 bytes as the reference writer does. Readable by PyTorch.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + t.count * 4]] as [String: Any]
            offset += t.count * 4
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        var len = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &len) { out.append(contentsOf: $0) }
        out.append(json)
        for name in names {
            let values = tensors[name]!.toArray()
            values.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        try AtomicFile.write(out, to: path)
    }
}
