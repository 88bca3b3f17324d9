import Tensor

/// Writes a `CheckpointValue` as the pickle `torch.save` writes into `data.pkl`: protocol 2,
/// tensors as `torch._utils._rebuild_tensor_v2(storage, 0, shape, stride, False,
/// OrderedDict())` whose storage is the persistent id `('storage', torch.FloatStorage or
/// torch.LongStorage, key, 'cpu', numel)`, the storage bytes themselves going to
/// `data/<key>`. Those are exactly the globals `torch.load(weights_only=True)` allows (and
/// palm's `Unpickler` reads).
///
/// Unlike CPython's pickler, only globals are memoized (BINPUT once, BINGET after): nothing
/// else in a checkpoint tree is shared, and readers do not care.
struct PickleWriter {
    /// Opcodes written so far (PROTO 2 first).
    private(set) var bytes: [UInt8] = [0x80, 0x02]
    /// The storages of the tensors written so far, raw little-endian; storage key `i` is
    /// index `i`, numbered in the order the tensors appear in the pickle, as torch numbers
    /// them.
    private(set) var storages: [[UInt8]] = []
    private var memo: [String: Int] = [:]
    /// Names the file in errors.
    let path: String

    init(path: String) { self.path = path }

    /// Appends `value`; `key` is its dotted place in the tree, for errors.
    mutating func write(_ value: CheckpointValue, key: String = "") throws {
        switch value {
        case .none: bytes.append(0x4E)                          // NONE
        case let .bool(b): bytes.append(b ? 0x88 : 0x89)         // NEWTRUE, NEWFALSE
        case let .int(v): int(v)
        case let .float(v):                                      // BINFLOAT: big-endian double
            bytes.append(0x47)
            bytes += withUnsafeBytes(of: v.bitPattern.bigEndian, Array.init)
        case let .string(s): string(s)
        case let .list(items):
            bytes.append(0x5D)                                   // EMPTY_LIST
            if !items.isEmpty {
                bytes.append(0x28)                               // MARK
                for (i, item) in items.enumerated() { try write(item, key: key + "[\(i)]") }
                bytes.append(0x65)                               // APPENDS
            }
        case let .tuple(items):
            openTuple(items.count)
            for (i, item) in items.enumerated() { try write(item, key: key + "[\(i)]") }
            closeTuple(items.count)
        case let .dict(pairs):
            bytes.append(0x7D)                                   // EMPTY_DICT
            try setItems(pairs, key: key)
        case let .orderedDict(pairs):
            // OrderedDict's __reduce__: OrderedDict() then its items.
            global("collections", "OrderedDict")
            bytes += [0x29, 0x52]                                // EMPTY_TUPLE, REDUCE
            try setItems(pairs, key: key)
        case let .tensor(t):
            let le = t.toArray().map { $0.bitPattern.littleEndian }
            tensor(shape: t.shape, storage: le.withUnsafeBytes(Array.init), type: "FloatStorage")
        case let .int64Tensor(shape, values):
            guard shape.allSatisfy({ $0 >= 0 }), values.count == elementCount(shape) else {
                throw unwritable("int64 tensor '\(key)': \(values.count) values do not fill shape \(shapeString(shape))")
            }
            let le = values.map(\.littleEndian)
            tensor(shape: shape, storage: le.withUnsafeBytes(Array.init), type: "LongStorage")
        }
    }

    /// The finished pickle (STOP appended).
    func finished() -> [UInt8] { bytes + [0x2E] }

    // MARK: Pieces

    private mutating func setItems(_ pairs: [(String, CheckpointValue)], key: String) throws {
        guard !pairs.isEmpty else { return }
        var seen = Set<String>()
        bytes.append(0x28)                                       // MARK
        for (k, v) in pairs {
            // Python would keep only the last one: a repeated key is a bug in the caller.
            guard seen.insert(k).inserted else { throw unwritable("dict '\(key)' has the key '\(k)' twice") }
            string(k)
            try write(v, key: key.isEmpty ? k : key + "." + k)
        }
        bytes.append(0x75)                                       // SETITEMS
    }

    /// `_rebuild_tensor_v2(persistent storage, 0, shape, contiguous strides, False, OrderedDict())`.
    private mutating func tensor(shape: [Int], storage: [UInt8], type: String) {
        let index = storages.count
        storages.append(storage)
        global("torch._utils", "_rebuild_tensor_v2")
        bytes.append(0x28)                                       // MARK (arguments)
        bytes.append(0x28)                                       // MARK (persistent id)
        string("storage")
        global("torch", type)
        string(String(index))
        string("cpu")
        int(elementCount(shape))
        bytes += [0x74, 0x51]                                    // TUPLE, BINPERSID
        int(0)                                                   // storage offset
        for dims in [shape, contiguousStrides(shape)] {
            openTuple(dims.count)
            dims.forEach { int($0) }
            closeTuple(dims.count)
        }
        bytes.append(0x89)                                       // requires_grad = False
        global("collections", "OrderedDict")
        bytes += [0x29, 0x52]                                    // backward_hooks = OrderedDict()
        bytes += [0x74, 0x52]                                    // TUPLE, REDUCE
    }

    /// Tuples use the short opcodes CPython uses: EMPTY_TUPLE, TUPLE1-3, else MARK ... TUPLE.
    private mutating func openTuple(_ count: Int) {
        if count > 3 { bytes.append(0x28) }                      // MARK
    }

    private mutating func closeTuple(_ count: Int) {
        switch count {
        case 0: bytes.append(0x29)                               // EMPTY_TUPLE
        case 1: bytes.append(0x85)                               // TUPLE1
        case 2: bytes.append(0x86)                               // TUPLE2
        case 3: bytes.append(0x87)                               // TUPLE3
        default: bytes.append(0x74)                              // TUPLE
        }
    }

    private mutating func int(_ v: Int) {
        switch v {
        case 0..<0x100: bytes += [0x4B, UInt8(v)]               // BININT1
        case 0x100..<0x1_0000: bytes += [0x4D] + le(UInt64(v), 2) // BININT2
        case Int(Int32.min)...Int(Int32.max): bytes += [0x4A] + le(UInt64(bitPattern: Int64(v)), 4) // BININT
        default:
            // LONG1: the shortest little-endian two's complement that keeps the sign.
            var n = 8
            while n > 1 {
                let shifted = Int64(v) >> (8 * (n - 1) - 1)
                guard shifted == 0 || shifted == -1 else { break }
                n -= 1
            }
            bytes += [0x8A, UInt8(n)] + le(UInt64(bitPattern: Int64(v)), n)
        }
    }

    private mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        bytes += [0x58] + le(UInt64(utf8.count), 4) + utf8       // BINUNICODE
    }

    /// GLOBAL `module.name`, memoized so each is spelled once.
    private mutating func global(_ module: String, _ name: String) {
        let full = module + "\n" + name + "\n"
        if let i = memo[full] {
            bytes += i < 0x100 ? [0x68, UInt8(i)] : [0x6A] + le(UInt64(i), 4)  // BINGET, LONG_BINGET
            return
        }
        let i = memo.count
        memo[full] = i
        bytes += [0x63] + Array(full.utf8)
        bytes += i < 0x100 ? [0x71, UInt8(i)] : [0x72] + le(UInt64(i), 4)      // BINPUT, LONG_BINPUT
    }

    private func le(_ v: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

    private func unwritable(_ reason: String) -> CheckpointError { .unwritable(path: path, reason: reason) }
}
