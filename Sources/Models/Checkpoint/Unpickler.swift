import Foundation

/// A restricted reader of Python pickles (protocols 2-5) that understands what a PyTorch state
/// dict contains and nothing else. It is a stack machine like CPython's `pickle._Unpickler`,
/// but `GLOBAL` resolves only `AllowedGlobal` names and `REDUCE` only calls the rebuild
/// functions written here, so loading a checkpoint never executes code from it. Any other
/// global is refused with `CheckpointError.refusedGlobal` naming it.
///
/// Persistent ids (`BINPERSID`) must be torch's `('storage', StorageType, key, location, numel)`.
struct Unpickler {
    private let bytes: UnsafeRawBufferPointer
    private let path: String
    private var pos = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    /// Every value taken off the stack or out of the memo. Keeping them until `dismantle` means
    /// no value built from the file is ever freed recursively (a hostile pickle can nest a
    /// million tuples and then POP them).
    private var discarded: [PickleValue] = []
    /// Values the pickle may still push. Each opcode byte can push one (DUP, EMPTY_DICT), and
    /// each push costs tens of bytes kept until `dismantle`, so without a bound a data.pkl of a
    /// few hundred MB could ask for many GB. A state dict pushes about 20 values per tensor.
    private var pushesLeft = Unpickler.maxPushes
    /// The bound on pushes: 4 Mi values, 200 000 tensors' worth.
    static let maxPushes = 1 << 22

    init(_ bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// Runs the pickle to its STOP opcode and hands the result to `extract`, which must copy
    /// out what it needs: afterwards every container built is emptied (see `dismantle`).
    mutating func load<T>(_ extract: (PickleValue) throws -> T) throws -> T {
        var result: PickleValue = .none
        defer {
            PickleValue.dismantle([result] + stack + Array(memo.values) + discarded)
            stack = []
            memo = [:]
            discarded = []
        }
        result = try run()
        return try extract(result)
    }

    private mutating func run() throws -> PickleValue {
        while true {
            let at = pos
            let op = try byte()
            switch op {
            case 0x80: // PROTO
                let v = try byte()
                guard v <= 5 else { throw unsupported("pickle protocol \(v)") }
            case 0x95: _ = try read(8) // FRAME: framing is only a read-ahead hint
            case 0x2E: // STOP
                guard let top = stack.popLast() else { throw malformed("STOP on an empty stack") }
                return top
            case 0x28: marks.append(stack.count) // MARK
            case 0x30: _ = try pop() // POP
            case 0x31: _ = try popMark() // POP_MARK
            case 0x32: try push(peek()) // DUP
            case 0x4E: try push(.none)
            case 0x88: try push(.bool(true))
            case 0x89: try push(.bool(false))
            case 0x4A: try push(.int(Int(Int32(truncatingIfNeeded: try uint(4))))) // BININT
            case 0x4B: try push(.int(Int(try uint(1)))) // BININT1
            case 0x4D: try push(.int(Int(try uint(2)))) // BININT2
            case 0x8A: try push(.int(try long(Int(try uint(1))))) // LONG1
            case 0x8B: try push(.int(try long(try length(4)))) // LONG4
            case 0x47: // BINFLOAT: big-endian IEEE double
                let b = try read(8)
                var bits: UInt64 = 0
                for x in b { bits = bits << 8 | UInt64(x) }
                try push(.float(Double(bitPattern: bits)))
            case 0x58: try push(.string(try utf8(try length(4)))) // BINUNICODE
            case 0x8C: try push(.string(try utf8(Int(try uint(1))))) // SHORT_BINUNICODE
            case 0x8D: try push(.string(try utf8(try length(8)))) // BINUNICODE8
            case 0x54: try push(.string(latin1(try read(try length(4))))) // BINSTRING (Python 2 str)
            case 0x55: try push(.string(latin1(try read(Int(try uint(1)))))) // SHORT_BINSTRING
            case 0x42: try push(.bytes(Array(try read(try length(4))))) // BINBYTES
            case 0x43: try push(.bytes(Array(try read(Int(try uint(1)))))) // SHORT_BINBYTES
            case 0x8E, 0x96: try push(.bytes(Array(try read(try length(8))))) // BINBYTES8, BYTEARRAY8
            case 0x29: try push(.tuple(PickleList())) // EMPTY_TUPLE
            case 0x74: try push(.tuple(PickleList(try popMark()))) // TUPLE
            case 0x85: let a = try pop(); try push(.tuple(PickleList([a]))) // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); try push(.tuple(PickleList([a, b]))) // TUPLE2
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); try push(.tuple(PickleList([a, b, c]))) // TUPLE3
            case 0x5D: try push(.list(PickleList())) // EMPTY_LIST
            case 0x6C: try push(.list(PickleList(try popMark()))) // LIST
            case 0x61: // APPEND
                let v = try pop()
                try list(try peek(), at).items.append(v)
            case 0x65: // APPENDS
                let vs = try popMark()
                try list(try peek(), at).items.append(contentsOf: vs)
            case 0x7D: try push(.dict(PickleDict())) // EMPTY_DICT
            case 0x64: // DICT
                let vs = try popMark()
                let d = PickleDict()
                try setItems(d, vs)
                try push(.dict(d))
            case 0x73: // SETITEM
                let v = try pop(), k = try pop()
                try dict(try peek(), at).pairs.append((k, v))
            case 0x75: // SETITEMS
                let vs = try popMark()
                try setItems(try dict(try peek(), at), vs)
            case 0x63: // GLOBAL "module\nname\n"
                let module = try line(), name = try line()
                try push(allowed(module, name))
            case 0x93: // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard case let .string(m) = module, case let .string(n) = name else {
                    throw malformed("STACK_GLOBAL needs two strings at offset \(at)")
                }
                try push(allowed(m, n))
            case 0x52: // REDUCE
                let args = try pop(), callable = try pop()
                try push(call(callable, args, at))
            case 0x81: // NEWOBJ: cls.__new__(cls, *args)
                let args = try pop(), cls = try pop()
                try push(call(cls, args, at))
            case 0x92: // NEWOBJ_EX
                _ = try pop()
                let args = try pop(), cls = try pop()
                try push(call(cls, args, at))
            case 0x62: // BUILD
                // The state is dropped: OrderedDict's `_metadata` (version numbers), a numpy
                // dtype's byte order tuple. Neither changes a tensor, and applying state would
                // mean calling `__setstate__`, which is exactly what palm never does.
                _ = try pop()
                _ = try peek()
            case 0x51: // BINPERSID
                try push(persistent(try pop(), at))
            case 0x71: try put(Int(try uint(1))) // BINPUT
            case 0x72: try put(Int(try uint(4))) // LONG_BINPUT
            case 0x94: try put(memo.count) // MEMOIZE
            case 0x68: try push(recall(Int(try uint(1)))) // BINGET
            case 0x6A: try push(recall(Int(try uint(4)))) // LONG_BINGET
            default:
                throw unsupported(String(format: "pickle opcode 0x%02X at offset %d (not used by state dicts)", op, at))
            }
        }
    }

    // MARK: Reading

    private mutating func byte() throws -> UInt8 {
        guard pos < bytes.count else { throw malformed("data.pkl ends before its STOP opcode") }
        defer { pos += 1 }
        return bytes[pos]
    }

    private mutating func read(_ n: Int) throws -> UnsafeRawBufferPointer.SubSequence {
        guard n >= 0, n <= bytes.count - pos else { throw malformed("data.pkl ends inside an argument at offset \(pos)") }
        defer { pos += n }
        return bytes[pos..<(pos + n)]
    }

    private mutating func uint(_ width: Int) throws -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try read(width).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }

    private mutating func length(_ width: Int) throws -> Int {
        let n = try uint(width)
        guard n <= UInt64(bytes.count) else { throw malformed("length \(n) at offset \(pos - width) exceeds data.pkl") }
        return Int(n)
    }

    /// LONG1/LONG4: little-endian two's complement of `n` bytes; palm needs only 64-bit values.
    private mutating func long(_ n: Int) throws -> Int {
        let b = try read(n)
        guard n <= 8 else { throw unsupported("an integer of \(n) bytes") }
        if n == 0 { return 0 }
        var v: UInt64 = 0
        for (i, x) in b.enumerated() { v |= UInt64(x) << (8 * UInt64(i)) }
        if n < 8, b.last! & 0x80 != 0 { v |= ~0 << (8 * UInt64(n)) } // sign-extend
        return Int(Int64(bitPattern: v))
    }

    private mutating func utf8(_ n: Int) throws -> String {
        let b = try read(n)
        guard let s = String(validating: b, as: UTF8.self) else { throw malformed("invalid UTF-8 string at offset \(pos - n)") }
        return s
    }

    private func latin1(_ b: UnsafeRawBufferPointer.SubSequence) -> String {
        String(String.UnicodeScalarView(b.map { Unicode.Scalar($0) }))
    }

    private mutating func line() throws -> String {
        guard let nl = bytes[pos...].firstIndex(of: 0x0A) else { throw malformed("GLOBAL name without a newline at offset \(pos)") }
        let s = String(decoding: bytes[pos..<nl], as: UTF8.self)
        pos = nl + 1
        return s
    }

    // MARK: Stack

    private mutating func push(_ v: PickleValue) throws {
        pushesLeft -= 1
        guard pushesLeft >= 0 else {
            discarded.append(v)
            throw malformed("data.pkl builds more than \(Self.maxPushes) values (stopped at offset \(pos)); a state dict needs far fewer")
        }
        stack.append(v)
    }

    private mutating func pop() throws -> PickleValue {
        if let m = marks.last, stack.count <= m { throw malformed("pop across a MARK at offset \(pos - 1)") }
        guard let v = stack.popLast() else { throw malformed("stack underflow at offset \(pos - 1)") }
        discarded.append(v)
        return v
    }

    private func peek() throws -> PickleValue {
        guard let v = stack.last else { throw malformed("stack underflow at offset \(pos - 1)") }
        return v
    }

    private mutating func popMark() throws -> [PickleValue] {
        guard let m = marks.popLast(), m <= stack.count else { throw malformed("no MARK for opcode at offset \(pos - 1)") }
        let items = Array(stack[m...])
        stack.removeSubrange(m...)
        discarded += items
        return items
    }

    private mutating func put(_ i: Int) throws {
        if let old = memo[i] { discarded.append(old) }
        memo[i] = try peek()
    }

    private func recall(_ i: Int) throws -> PickleValue {
        guard let v = memo[i] else { throw malformed("memo entry \(i) read before it was written") }
        return v
    }

    private func list(_ v: PickleValue, _ at: Int) throws -> PickleList {
        guard case let .list(l) = v else { throw malformed("APPEND to a \(v.kind) at offset \(at)") }
        return l
    }

    private func dict(_ v: PickleValue, _ at: Int) throws -> PickleDict {
        guard case let .dict(d) = v else { throw malformed("SETITEM on a \(v.kind) at offset \(at)") }
        return d
    }

    private func setItems(_ d: PickleDict, _ vs: [PickleValue]) throws {
        guard vs.count % 2 == 0 else { throw malformed("SETITEMS with an odd number of items") }
        for i in stride(from: 0, to: vs.count, by: 2) { d.pairs.append((vs[i], vs[i + 1])) }
    }

    // MARK: Globals and calls

    /// An allowed global, or the inert `.refused` name of any other (never imported).
    private func allowed(_ module: String, _ name: String) -> PickleValue {
        let full = "\(module).\(name)"
        return AllowedGlobal(rawValue: full).map { .global($0) } ?? .refused(full)
    }

    /// Calls an allowed global with `args`: the rebuild functions of a state dict, written
    /// here in Swift. Storage types and type markers are not callable.
    private func call(_ callable: PickleValue, _ argsValue: PickleValue, _ at: Int) throws -> PickleValue {
        // Calling a refused global runs nothing: the result is the same inert name.
        if case .refused = callable { PickleValue.dismantle([argsValue]); return callable }
        guard case let .global(g) = callable else { throw malformed("REDUCE on a \(callable.kind) at offset \(at)") }
        guard let args = argsValue.tupleItems else { throw malformed("REDUCE of \(g.rawValue) with \(argsValue.kind) arguments at offset \(at)") }
        switch g {
        case .orderedDict:
            let d = PickleDict(ordered: true)
            if let first = args.first {
                // OrderedDict(iterable of pairs)
                let items: [PickleValue]
                switch first {
                case let .list(l), let .tuple(l): items = l.items
                default: throw malformed("OrderedDict(\(first.kind)) at offset \(at)")
                }
                for item in items {
                    guard let kv = item.tupleItems, kv.count == 2 else { throw malformed("OrderedDict item is not a pair at offset \(at)") }
                    d.pairs.append((kv[0], kv[1]))
                }
            }
            return .dict(d)
        case .rebuildTensorV2, .rebuildTensor:
            // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            guard args.count >= 4, case let .storage(s) = args[0], case let .int(offset) = args[1],
                  let shape = ints(args[2]), let strides = ints(args[3]) else {
                throw malformed("\(g.rawValue) with unexpected arguments (\(args.map(\.kind))) at offset \(at)")
            }
            // The numbers are checked where the tensor's key is known (`TorchArchive.view`), so
            // the error can name it.
            return .tensor(TensorRecord(storage: s, offset: offset, shape: shape, strides: strides))
        case .rebuildParameter, .rebuildParameterWithState:
            // _rebuild_parameter(data, requires_grad, backward_hooks): a Parameter is its data.
            guard let data = args.first, case .tensor = data else { throw malformed("\(g.rawValue) without a tensor at offset \(at)") }
            return data
        case .rebuildFromTypeV2:
            // _rebuild_from_type_v2(func, new_type, args, state): a plain Tensor/Parameter only.
            // Only a tensor rebuild may be wrapped (which also bounds the recursion).
            guard args.count >= 3, case let .global(f) = args[0], [.rebuildTensorV2, .rebuildTensor, .rebuildParameter].contains(f),
                  case let .global(t) = args[1], t == .tensorType || t == .parameterType else {
                throw malformed("_rebuild_from_type_v2 of a tensor subclass at offset \(at)")
            }
            return try call(args[0], args[2], at)
        case .numpyDType:
            guard case let .string(s) = args.first ?? .none else { throw malformed("numpy.dtype without a type string at offset \(at)") }
            return .numpyDType(s)
        case .numpyScalar, .numpy2Scalar:
            guard args.count == 2, case let .numpyDType(t) = args[0], case let .bytes(b) = args[1] else {
                throw malformed("numpy scalar with unexpected arguments at offset \(at)")
            }
            return try numpyScalar(t, b, at)
        case .codecsEncode:
            // _codecs.encode(text, 'latin1'): how protocol-2 pickles carry bytes.
            guard case let .string(s) = args.first ?? .none else { throw malformed("_codecs.encode without a string at offset \(at)") }
            if args.count > 1, case let .string(enc) = args[1], !["latin1", "latin-1", "iso-8859-1"].contains(enc.lowercased()) {
                throw unsupported("_codecs.encode with encoding '\(enc)'")
            }
            var out: [UInt8] = []
            for u in s.unicodeScalars {
                guard u.value <= 255 else { throw malformed("_codecs.encode of a non-latin1 string at offset \(at)") }
                out.append(UInt8(u.value))
            }
            return .bytes(out)
        default:
            throw malformed("\(g.rawValue) is a type, not a function, at offset \(at)")
        }
    }

    private func ints(_ v: PickleValue) -> [Int]? {
        let items: [PickleValue]
        switch v {
        case let .tuple(l), let .list(l): items = l.items
        default: return nil
        }
        var out: [Int] = []
        for i in items { guard case let .int(x) = i else { return nil }; out.append(x) }
        return out
    }

    /// `numpy.core.multiarray.scalar(dtype, raw_bytes)` decoded as plain data (little-endian).
    private func numpyScalar(_ type: String, _ b: [UInt8], _ at: Int) throws -> PickleValue {
        var t = Substring(type)
        if let f = t.first, "<|=".contains(f) { t = t.dropFirst() }
        if t.first == ">" { throw unsupported("big-endian numpy scalar '\(type)'") }
        func raw(_ n: Int) throws -> UInt64 {
            guard b.count == n else { throw malformed("numpy scalar '\(type)' with \(b.count) bytes at offset \(at)") }
            var v: UInt64 = 0
            for (i, x) in b.enumerated() { v |= UInt64(x) << (8 * UInt64(i)) }
            return v
        }
        switch t {
        case "i1": return .int(Int(Int8(truncatingIfNeeded: try raw(1))))
        case "i2": return .int(Int(Int16(truncatingIfNeeded: try raw(2))))
        case "i4": return .int(Int(Int32(truncatingIfNeeded: try raw(4))))
        case "i8": return .int(Int(Int64(bitPattern: try raw(8))))
        case "u1": return .int(Int(try raw(1)))
        case "u2": return .int(Int(try raw(2)))
        case "u4": return .int(Int(try raw(4)))
        case "u8": return .int(Int(truncatingIfNeeded: try raw(8)))
        case "b1", "?": return .bool(try raw(1) != 0)
        case "f2": return .float(Double(Float16(bitPattern: UInt16(try raw(2)))))
        case "f4": return .float(Double(Float(bitPattern: UInt32(try raw(4)))))
        case "f8": return .float(Double(bitPattern: try raw(8)))
        default: throw unsupported("numpy scalar of dtype '\(type)'")
        }
    }

    /// torch's persistent id: `('storage', StorageType, key, location, numel)`.
    private func persistent(_ pid: PickleValue, _ at: Int) throws -> PickleValue {
        guard let t = pid.tupleItems, t.count == 5, case let .string(tag) = t[0], tag == "storage" else {
            throw malformed("persistent id at offset \(at) is not a torch storage reference")
        }
        guard case let .global(g) = t[1], let dtype = g.storageDType else {
            throw unsupported("storage type \(t[1].kind) at offset \(at)")
        }
        guard case let .string(key) = t[2], case let .int(count) = t[4], count >= 0 else {
            throw malformed("storage reference at offset \(at) needs a string key and an element count")
        }
        return .storage(StorageRef(key: key, dtype: dtype, count: count))
    }

    private func malformed(_ reason: String) -> CheckpointError { .malformed(path: path, reason: reason) }
    private func unsupported(_ reason: String) -> CheckpointError { .unsupported(path: path, reason: reason) }
}
