import Tensor

/// Element types found in checkpoints. Everything is converted to float32 on read.
public enum StoredDType: String, Sendable {
    case float32 = "F32", float16 = "F16", bfloat16 = "BF16", float64 = "F64"
    case int64 = "I64", int32 = "I32", int16 = "I16", int8 = "I8", uint8 = "U8", bool = "BOOL"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }
}

/// What a checkpoint says about one tensor before its data is read.
public struct TensorInfo: Sendable, Equatable {
    public let dtype: StoredDType
    public let shape: [Int]
    public init(dtype: StoredDType, shape: [Int]) { self.dtype = dtype; self.shape = shape }
}

/// A collection of named tensors read lazily (a `.safetensors` file, a PyTorch `.pth` state
/// dict, or an in-memory dictionary). Only `tensor(_:)` touches tensor data.
public protocol TensorSource: AnyObject {
    /// A name for messages (usually the file path).
    var sourceName: String { get }
    /// Every key, sorted.
    var keys: [String] { get }
    /// Shape and dtype of `key` without reading its data; nil when absent.
    func info(_ key: String) -> TensorInfo?
    /// Reads `key` as a float32 tensor; throws `CheckpointError.missingKey` when absent.
    func tensor(_ key: String) throws -> Tensor
}

/// An in-memory `TensorSource` (tests, and checkpoints assembled in code).
public final class DictionarySource: TensorSource {
    public let sourceName: String
    public private(set) var tensors: [String: Tensor]
    public init(_ tensors: [String: Tensor], name: String = "<memory>") { self.tensors = tensors; sourceName = name }
    public var keys: [String] { tensors.keys.sorted() }
    public func info(_ key: String) -> TensorInfo? { tensors[key].map { TensorInfo(dtype: .float32, shape: $0.shape) } }
    public func tensor(_ key: String) throws -> Tensor {
        guard let t = tensors[key] else { throw CheckpointError.missingKey(key: key, source: sourceName) }
        return t
    }
}

/// Errors from reading checkpoints and loading weights. Each names the file and key involved.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case missingKey(key: String, source: String)
    case wrongShape(key: String, expected: [Int], found: [Int], source: String)
    case unusedKeys(keys: [String], source: String)
    case refusedGlobal(name: String, path: String)
    /// A well-formed file that uses a feature palm does not read (compressed zip entries,
    /// big-endian data, an unknown pickle opcode).
    case unsupported(path: String, reason: String)
    /// A tensor reaches past the end of its storage: `needed` and `available` are byte counts.
    case storageTooShort(key: String, needed: Int, available: Int, path: String)
    /// A value `PyTorchCheckpointWriter` cannot write to `path` (the reason names its key).
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read checkpoint: \(reason)"
        case let .malformed(path, reason): return "\(path): malformed checkpoint: \(reason)"
        case let .missingKey(key, source): return "\(source): missing key '\(key)'"
        case let .wrongShape(key, expected, found, source):
            return "\(source): tensor '\(key)' has wrong shape: got \(shapeString(found)), expected \(shapeString(expected))"
        case let .unusedKeys(keys, source):
            let shown = keys.prefix(10).joined(separator: ", ")
            return "\(source): \(keys.count) checkpoint key(s) were not used by the model: \(shown)\(keys.count > 10 ? ", ..." : "") (is this a checkpoint of another model?)"
        case let .refusedGlobal(name, path):
            return "\(path): refusing pickle global '\(name)': palm only loads plain state dicts and never executes checkpoint code"
        case let .unsupported(path, reason): return "\(path): unsupported checkpoint: \(reason)"
        case let .storageTooShort(key, needed, available, path):
            return "\(path): tensor '\(key)' needs \(needed) bytes of storage but its storage holds \(available) (truncated or corrupt checkpoint)"
        case let .unwritable(path, reason): return "\(path): cannot write checkpoint: \(reason)"
        }
    }
}

extension CheckpointError {
    /// `key` (a tensor name from the file) quoted for a message, control characters escaped so
    /// a hostile name never reaches the terminal raw.
    static func quoted(_ key: String) -> String {
        "'" + key.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined() + "'"
    }
}
