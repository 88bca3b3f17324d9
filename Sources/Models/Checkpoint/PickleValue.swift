/// A value rebuilt by the restricted `Unpickler`: plain data and the few torch objects a state
/// dict holds, never an arbitrary Python object. Containers are reference types: pickle
/// mutates memoized lists and dicts in place (APPEND/SETITEM after BINPUT), and holding tuples
/// in a class too lets `dismantle` empty every container iteratively, so freeing a hostile
/// million-level nesting never recurses through the stack.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple(PickleList)
    case list(PickleList)
    /// A dict or `collections.OrderedDict` (insertion order kept).
    case dict(PickleDict)
    /// A global the unpickler allows, not yet called (a callable or a type marker).
    case global(AllowedGlobal)
    /// A torch storage named by a persistent id `('storage', type, key, location, numel)`.
    case storage(StorageRef)
    /// A tensor rebuilt by `torch._utils._rebuild_tensor_v2`: a strided view of a storage.
    case tensor(TensorRecord)
    /// A `numpy.dtype`, kept as its type string (`"i8"`, `"<f4"`).
    case numpyDType(String)
    /// A global palm does not allow, kept as its inert name and never imported or called: a
    /// call of it (REDUCE, NEWOBJ) is this same inert value. Loading fails with
    /// `refusedGlobal` if one is part of the state dict (or nothing else is there); anywhere
    /// else in the checkpoint (training arguments, an optimizer's extra objects) it is ignored
    /// and listed.
    case refused(String)

    /// A short description for error messages.
    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case let .global(g): return "global \(g.rawValue)"
        case .storage: return "storage"
        case .tensor: return "tensor"
        case .numpyDType: return "numpy.dtype"
        case let .refused(name): return "refused global \(name)"
        }
    }
}

/// The items of a list or tuple.
final class PickleList {
    var items: [PickleValue]
    init(_ items: [PickleValue] = []) { self.items = items }
}

extension PickleValue {
    /// Empties every container reachable from `roots` with an explicit work list. Afterwards
    /// no container holds another, so releasing them is shallow whatever the nesting depth
    /// (and reference cycles built with memo + APPEND are broken too).
    static func dismantle(_ roots: [PickleValue]) {
        var work = roots
        while let v = work.popLast() {
            switch v {
            case let .tuple(l), let .list(l):
                work += l.items
                l.items = []
            case let .dict(d):
                for p in d.pairs { work.append(p.key); work.append(p.value) }
                d.pairs = []
            default: break
            }
        }
    }

    /// The first refused global reachable from `self` within `depth` container levels.
    func firstRefused(depth: Int = 8) -> String? {
        switch self {
        case let .refused(name): return name
        case let .tuple(l), let .list(l): return depth > 0 ? l.items.lazy.compactMap { $0.firstRefused(depth: depth - 1) }.first : nil
        case let .dict(d): return depth > 0 ? d.pairs.lazy.compactMap { $0.value.firstRefused(depth: depth - 1) }.first : nil
        default: return nil
        }
    }

    /// Every distinct refused global reachable from `self` within `depth` container levels.
    func refusedNames(depth: Int = 8) -> [String] {
        var names: [String] = []
        func walk(_ v: PickleValue, _ d: Int) {
            switch v {
            case let .refused(n): if !names.contains(n) { names.append(n) }
            case let .tuple(l), let .list(l): if d > 0 { l.items.forEach { walk($0, d - 1) } }
            case let .dict(dd): if d > 0 { dd.pairs.forEach { walk($0.value, d - 1) } }
            default: break
            }
        }
        walk(self, depth)
        return names
    }

    /// The items of a tuple, or nil.
    var tupleItems: [PickleValue]? {
        if case let .tuple(t) = self { return t.items }
        return nil
    }
}

final class PickleDict {
    var pairs: [(key: PickleValue, value: PickleValue)] = []
    /// Built by `collections.OrderedDict` (a state dict) rather than as a plain dict.
    var ordered = false
    init(ordered: Bool = false) { self.ordered = ordered }
    /// The value under string key `key` (state-dict wrappers are keyed by strings).
    subscript(key: String) -> PickleValue? {
        for p in pairs { if case let .string(s) = p.key, s == key { return p.value } }
        return nil
    }
}

/// A storage referenced by a tensor: zip entry `<archive>/data/<key>` of `count` elements.
struct StorageRef: Hashable {
    let key: String
    let dtype: StoredDType
    let count: Int
}

/// Where a tensor's elements live: `element[i...] = storage[offset + sum(i_k * strides_k)]`.
struct TensorRecord: Hashable {
    let storage: StorageRef
    let offset: Int
    let shape: [Int]
    let strides: [Int]
}

/// The only globals a checkpoint may name. Everything else is refused by name before any
/// object is built, so a malicious pickle (`os.system`, `builtins.eval`) cannot run.
enum AllowedGlobal: String, CaseIterable {
    case orderedDict = "collections.OrderedDict"
    case rebuildTensorV2 = "torch._utils._rebuild_tensor_v2"
    case rebuildTensor = "torch._utils._rebuild_tensor"
    case rebuildParameter = "torch._utils._rebuild_parameter"
    case rebuildParameterWithState = "torch._utils._rebuild_parameter_with_state"
    case rebuildFromTypeV2 = "torch._tensor._rebuild_from_type_v2"
    case tensorType = "torch.Tensor"
    case parameterType = "torch.nn.parameter.Parameter"
    case floatStorage = "torch.FloatStorage"
    case halfStorage = "torch.HalfStorage"
    case bfloat16Storage = "torch.BFloat16Storage"
    case doubleStorage = "torch.DoubleStorage"
    case longStorage = "torch.LongStorage"
    case intStorage = "torch.IntStorage"
    case shortStorage = "torch.ShortStorage"
    case charStorage = "torch.CharStorage"
    case byteStorage = "torch.ByteStorage"
    case boolStorage = "torch.BoolStorage"
    case numpyScalar = "numpy.core.multiarray.scalar"
    case numpy2Scalar = "numpy._core.multiarray.scalar"
    case numpyDType = "numpy.dtype"
    case codecsEncode = "_codecs.encode"

    /// The element type of a storage-type global, nil for the callables.
    var storageDType: StoredDType? {
        switch self {
        case .floatStorage: return .float32
        case .halfStorage: return .float16
        case .bfloat16Storage: return .bfloat16
        case .doubleStorage: return .float64
        case .longStorage: return .int64
        case .intStorage: return .int32
        case .shortStorage: return .int16
        case .charStorage: return .int8
        case .byteStorage: return .uint8
        case .boolStorage: return .bool
        default: return nil
        }
    }
}
