import Tensor

/// The header of a `.safetensors` file, read and checked against the file before any tensor
/// is: what `SafeTensorsFile` opens.
///
/// The checks are the format's own (the reference reader's, in `safetensors/src/tensor.rs`):
/// the header is at most 100 MB of UTF-8 JSON, an object, with no duplicate keys; each tensor
/// has a known dtype, a shape of non-negative integers and `data_offsets` `[begin, end]` whose
/// length is exactly the shape's element count times the dtype's size, computed without
/// overflow; sorted by offset, the tensors tile the data section from byte 0 to its end, with
/// no overlap and no gap. So every tensor's bytes lie inside the file and belong to it alone,
/// and no tensor read from the file is larger than the file.
struct SafeTensorsHeader {
    /// One tensor: its dtype and shape, and its bytes `begin..<end` of the data section.
    struct Entry {
        let info: TensorInfo
        let begin: Int
        let end: Int
    }

    /// The largest header the format allows (the reference reader's `MAX_HEADER_SIZE`).
    static let maxHeaderBytes = 100_000_000

    let entries: [String: Entry]
    /// The `__metadata__` string map.
    let metadata: [String: String]
    /// File offset of the data section (8 + the header length).
    let dataStart: Int

    /// Reads and checks the header of `file`. Throws `CheckpointError` naming the file and, for
    /// a tensor's problem, the tensor.
    init(_ file: MappedFile) throws {
        let path = file.path
        func malformed(_ reason: String) -> CheckpointError { .malformed(path: path, reason: reason) }
        let size = file.bytes.count
        guard size >= 8 else { throw malformed("file is \(size) bytes, shorter than the 8-byte header length") }
        let declared = file.uint(at: 0, width: 8)
        guard declared <= UInt64(size - 8) else {
            throw malformed("header length \(declared) runs past the end of the \(size)-byte file (truncated, or not a .safetensors file)")
        }
        let headerLength = Int(declared)
        guard headerLength <= Self.maxHeaderBytes else {
            throw malformed("header length \(headerLength) is more than the \(Self.maxHeaderBytes) bytes the safetensors format allows")
        }
        guard headerLength >= 2, file.bytes[8] == UInt8(ascii: "{") else {
            throw malformed("the \(headerLength)-byte header does not start with '{' (a safetensors header is a JSON object)")
        }
        let json: HeaderJSON
        do {
            json = try HeaderJSON.parse(UnsafeRawBufferPointer(rebasing: file.bytes[8..<(8 + headerLength)]))
        } catch let e as HeaderJSON.SyntaxError {
            throw malformed("header is not valid JSON: \(e)")
        }
        guard case let .object(pairs) = json else { throw malformed("header is \(json.kind), not a JSON object of tensors") }
        dataStart = 8 + headerLength
        let dataLength = size - dataStart

        var meta: [String: String] = [:]
        var found: [(name: String, entry: Entry)] = []
        for (name, value) in pairs {
            if name == "__metadata__" {
                meta = try Self.metadata(value, path: path)
            } else {
                let entry = try Self.entry(name, value, path: path, fileBytes: size)
                guard entry.end <= dataLength else {
                    throw malformed("tensor \(CheckpointError.quoted(name)): data_offsets [\(entry.begin), \(entry.end)] run past the \(dataLength)-byte data section (is the file truncated?)")
                }
                found.append((name, entry))
            }
        }
        // The format stores tensors back to back: sorted by offset, each begins where the one
        // before ended, and the last ends at the end of the file.
        found.sort { ($0.entry.begin, $0.entry.end, $0.name) < ($1.entry.begin, $1.entry.end, $1.name) }
        var covered = 0
        var previous: (name: String, entry: Entry)?
        for t in found {
            let e = t.entry
            let at = "tensor \(CheckpointError.quoted(t.name)): data_offsets [\(e.begin), \(e.end)]"
            if e.begin < covered, let p = previous {
                throw malformed("\(at) overlap those of tensor \(CheckpointError.quoted(p.name)) [\(p.entry.begin), \(p.entry.end)]; the format gives each tensor bytes of its own")
            }
            if e.begin > covered {
                throw malformed("\(at) leave bytes \(covered)..<\(e.begin) of the data section unused; the format stores tensors back to back from byte 0")
            }
            covered = e.end
            previous = t
        }
        guard covered == dataLength else {
            throw malformed("the tensors' data_offsets cover \(covered) bytes but the data section holds \(dataLength); the format has them cover it exactly")
        }
        entries = Dictionary(uniqueKeysWithValues: found.map { ($0.name, $0.entry) })
        metadata = meta
    }

    /// The `__metadata__` object: names to strings, as the format defines it.
    private static func metadata(_ value: HeaderJSON, path: String) throws -> [String: String] {
        guard case let .object(pairs) = value else {
            throw CheckpointError.malformed(path: path, reason: "__metadata__ is \(value.kind), not an object of strings")
        }
        var out: [String: String] = [:]
        for (k, v) in pairs {
            guard case let .string(s) = v else {
                throw CheckpointError.malformed(path: path, reason: "__metadata__ entry \(CheckpointError.quoted(k)) is \(v.kind); the format's metadata values are strings")
            }
            out[k] = s
        }
        return out
    }

    /// One tensor's entry `{"dtype": ..., "shape": [...], "data_offsets": [begin, end]}`, its
    /// offsets checked against its shape and dtype (not yet against the other tensors).
    private static func entry(_ name: String, _ value: HeaderJSON, path: String, fileBytes: Int) throws -> Entry {
        let tensor = "tensor \(CheckpointError.quoted(name))"
        func malformed(_ reason: String) -> CheckpointError { .malformed(path: path, reason: "\(tensor) \(reason)") }
        guard case let .object(fields) = value else { throw malformed("is \(value.kind), not an object with dtype, shape and data_offsets") }
        func field(_ key: String) -> HeaderJSON? { fields.first { $0.key == key }?.value }

        guard case let .string(dt)? = field("dtype") else { throw malformed("needs a dtype string") }
        guard let dtype = StoredDType(rawValue: dt) else {
            let known = ["F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL"]
            throw CheckpointError.unsupported(path: path, reason: "\(tensor) has dtype \(CheckpointError.quoted(dt)); palm reads \(known.joined(separator: ", "))")
        }
        guard case let .array(dims)? = field("shape") else { throw malformed("needs a shape: a list of integers") }
        let shape = try dims.map { d -> Int in
            guard case let .integer(n) = d else {
                throw malformed("has a shape holding \(Self.text(d)), which is not an integer palm can address")
            }
            return n
        }
        guard case let .array(offsets)? = field("data_offsets"), offsets.count == 2,
              case let .integer(begin) = offsets[0], case let .integer(end) = offsets[1], begin >= 0, end >= 0 else {
            throw malformed("needs data_offsets [begin, end]: two non-negative integers")
        }
        guard end >= begin else { throw malformed("has data_offsets [\(begin), \(end)] that end before they begin") }
        let extent = try TensorExtent(shape: shape, dtype: dtype, key: name, path: path, fileBytes: fileBytes)
        guard end - begin == extent.bytes else {
            throw malformed("has data_offsets [\(begin), \(end)] holding \(end - begin) bytes, but shape \(shapeString(shape)) of \(dt) needs \(extent.bytes)")
        }
        return Entry(info: TensorInfo(dtype: dtype, shape: shape), begin: begin, end: end)
    }

    /// A JSON scalar as written, for messages.
    private static func text(_ v: HeaderJSON) -> String {
        switch v {
        case let .integer(n): return String(n)
        case let .number(s): return s
        case let .string(s): return CheckpointError.quoted(s)
        case let .bool(b): return String(b)
        default: return v.kind
        }
    }
}
