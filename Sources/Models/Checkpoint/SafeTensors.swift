import Foundation
import Support
import Tensor

/// A `.safetensors` file (Hugging Face format): an 8-byte little-endian header length, a JSON
/// header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`, then the
/// raw little-endian data. Read lazily from a memory map.
public final class SafeTensorsFile: TensorSource {
    public let sourceName: String
    /// The `__metadata__` string map (palm stores fingerprints there).
    public let metadata: [String: String]
    private let file: MappedFile
    private let entries: [String: (info: TensorInfo, begin: Int, end: Int)]
    private let dataStart: Int

    /// Opens and validates the header of `path` (no tensor data is read).
    public init(path: String) throws {
        file = try MappedFile(path: path)
        sourceName = path
        let size = file.bytes.count
        guard size >= 8 else { throw CheckpointError.malformed(path: path, reason: "file is \(size) bytes, shorter than the 8-byte header length") }
        let headerLength = Int(clamping: file.uint(at: 0, width: 8))
        guard headerLength > 1, headerLength <= size - 8 else {
            throw CheckpointError.malformed(path: path, reason: "header length \(headerLength) does not fit in a \(size)-byte file")
        }
        let json = Data(file.bytes[8..<(8 + headerLength)])
        guard let header = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw CheckpointError.malformed(path: path, reason: "header is not a JSON object")
        }
        dataStart = 8 + headerLength
        var meta: [String: String] = [:]
        var parsed: [String: (TensorInfo, Int, Int)] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                for (k, v) in (value as? [String: Any]) ?? [:] { meta[k] = v as? String ?? "\(v)" }
                continue
            }
            guard let d = value as? [String: Any], let dt = d["dtype"] as? String, let dtype = StoredDType(rawValue: dt),
                  let shape = d["shape"] as? [Int], let offs = d["data_offsets"] as? [Int], offs.count == 2 else {
                throw CheckpointError.malformed(path: path, reason: "entry '\(name)' needs a known dtype, a shape and two data_offsets")
            }
            let expected = elementCount(shape) * dtype.size
            guard offs[0] >= 0, offs[1] - offs[0] == expected, dataStart + offs[1] <= size else {
                throw CheckpointError.malformed(path: path, reason: "tensor '\(name)' of shape \(shapeString(shape)) \(dt) needs \(expected) bytes but its data range \(offs) does not fit the file")
            }
            parsed[name] = (TensorInfo(dtype: dtype, shape: shape), offs[0], offs[1])
        }
        entries = parsed.mapValues { (info: $0.0, begin: $0.1, end: $0.2) }
        metadata = meta
    }

    public var keys: [String] { entries.keys.sorted() }
    public func info(_ key: String) -> TensorInfo? { entries[key]?.info }

    public func tensor(_ key: String) throws -> Tensor {
        guard let e = entries[key] else { throw CheckpointError.missingKey(key: key, source: sourceName) }
        let t = Tensor.zeros(e.info.shape)
        if t.count > 0 {
            convertToFloat(file.bytes.baseAddress! + dataStart + e.begin, dtype: e.info.dtype, count: t.count, into: t.pointer)
            file.evict((dataStart + e.begin)..<(dataStart + e.end))
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
