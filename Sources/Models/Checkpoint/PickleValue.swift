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

    /// The first refused global reachable from `self` within `depth` container levels (in the
    /// file's order, depth first).
    func firstRefused(depth: Int = 8) -> String? {
        var first: String?
        visitRefused(depth: depth) { first = $0; return false }
        return first
    }

    /// Every distinct refused global reachable from `self` within `depth` container levels.
    func refusedNames(depth: Int = 8) -> [String] {
        var names: [String] = []
        visitRefused(depth: depth) { n in
            if !names.contains(n) { names.append(n) }
            return names.count < 1000  // a list for a message, not an inventory
        }
        return names
    }

    /// Calls `body` with each refused global within `depth` levels, depth first in the file's
    /// order, until it returns false. Pickle's memo lets a small file put one container in many
    /// places (a list holding the same list a thousand times, eight levels deep), so a plain
    /// walk could take 1000^8 steps: a container is entered again only when reached with more
    /// levels left than before, at most `depth + 1` times, so the walk is linear in the file.
    private func visitRefused(depth: Int, _ body: (String) -> Bool) {
        var bestLeft: [ObjectIdentifier: Int] = [:]
        var work: [(value: PickleValue, left: Int)] = [(self, depth)]
        func enter(_ id: ObjectIdentifier, _ left: Int) -> Bool {
            if let seen = bestLeft[id], seen >= left { return false }
            bestLeft[id] = left
            return true
        }
        while let (v, left) = work.popLast() {
            switch v {
            case let .refused(name):
                if !body(name) { return }
            case let .tuple(l), let .list(l):
                if left > 0, enter(ObjectIdentifier(l), left) { work += l.items.reversed().map { ($0, left - 1) } }
            case let .dict(d):
                if left > 0, enter(ObjectIdentifier(d), left) { work += d.pairs.reversed().map { ($0.value, left - 1) } }
            default:
                break
            }
        }
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
