import Tensor

/// A Python object that `torch.save` writes and `torch.load(path, weights_only=True)` reads
/// back: plain data, containers, dicts keyed by strings, and tensors. What
/// `PyTorchCheckpointWriter` writes and `PyTorchCheckpoint.readValue(path:)` returns.
///
/// The PALM reference's learner checkpoint, for example:
///
///     .dict([
///         ("prompt_learner", .orderedDict([("ctx", .tensor(ctx)), ("lambdas", .tensor(lambdas))])),
///         ("pengi_bn0_buffer", .dict([("running_mean", .tensor(mean)), ("running_var", .tensor(variance)),
///                                     ("num_batches_tracked", .int64Tensor(shape: [], values: [0]))])),
///     ])
public enum CheckpointValue: Sendable {
    /// `None`.
    case none
    case bool(Bool)
    /// A Python `int` (palm's range: 64-bit).
    case int(Int)
    /// A Python `float` (a double).
    case float(Double)
    case string(String)
    case list([CheckpointValue])
    case tuple([CheckpointValue])
    /// A plain `dict`, keys in the order given (Python dicts keep insertion order).
    case dict([(String, CheckpointValue)])
    /// A `collections.OrderedDict`, what `Module.state_dict()` returns.
    case orderedDict([(String, CheckpointValue)])
    /// A float32 tensor (`torch.float32`), stored contiguous whatever the view's strides.
    case tensor(Tensor)
    /// An int64 tensor (`torch.int64`) of `shape` holding `values` row-major; `shape: []` is a
    /// 0-d tensor such as BatchNorm's `num_batches_tracked`.
    case int64Tensor(shape: [Int], values: [Int64])

    /// The value under `key` of a dict or OrderedDict (the last one, as Python keeps); nil
    /// for any other value or a missing key.
    public subscript(key: String) -> CheckpointValue? {
        switch self {
        case let .dict(pairs), let .orderedDict(pairs): return pairs.last(where: { $0.0 == key })?.1
        default: return nil
        }
    }

    /// The Python type, for messages: `"OrderedDict"`, `"float32 tensor [3, 8]"`.
    public var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .orderedDict: return "OrderedDict"
        case let .tensor(t): return "float32 tensor \(shapeString(t.shape))"
        case let .int64Tensor(shape, _): return "int64 tensor \(shapeString(shape))"
        }
    }
}

/// Equal when the structure, the container kinds (dict vs OrderedDict, list vs tuple) and the
/// key order agree, and tensors have the same dtype, shape and bit-identical elements (so NaN
/// equals the same NaN, and -0.0 differs from 0.0): a round trip must be exact.
extension CheckpointValue: Equatable {
    public static func == (a: CheckpointValue, b: CheckpointValue) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.float(x), .float(y)): return x.bitPattern == y.bitPattern
        case let (.string(x), .string(y)): return x == y
        case let (.list(x), .list(y)), let (.tuple(x), .tuple(y)): return x == y
        case let (.dict(x), .dict(y)), let (.orderedDict(x), .orderedDict(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.tensor(x), .tensor(y)):
            return x.shape == y.shape && x.toArray().map(\.bitPattern) == y.toArray().map(\.bitPattern)
        case let (.int64Tensor(s1, v1), .int64Tensor(s2, v2)): return s1 == s2 && v1 == v2
        default: return false
        }
    }
}
