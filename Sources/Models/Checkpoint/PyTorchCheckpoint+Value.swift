import Tensor

extension PyTorchCheckpoint {
    /// The whole object pickled in the PyTorch zip checkpoint at `path`, with every tensor
    /// read into memory: the inverse of `PyTorchCheckpointWriter.write`, for small
    /// checkpoints such as learned prompts (model weights are read lazily through `init`).
    ///
    /// Dicts and OrderedDicts keep their kind and key order. Floating tensors (float32/16,
    /// bfloat16, float64) come back as float32 `.tensor`s, as every palm reader converts them;
    /// integer and bool tensors as `.int64Tensor`s, widened exactly. Nothing in the file is
    /// executed (the same restricted `Unpickler`).
    ///
    /// Throws `CheckpointError` naming the file: what `init` throws for a damaged archive,
    /// `.refusedGlobal` for any global palm does not allow anywhere in the object, and
    /// `.unsupported` naming the key of a value `CheckpointValue` does not hold (bytes, a dict
    /// keyed by integers such as an optimizer's state, a numpy dtype).
    public static func readValue(path: String) throws -> CheckpointValue {
        let archive = try TorchArchive(path: path)
        var unpickler = Unpickler(try archive.pickle(), path: path)
        return try unpickler.load { object in
            var reader = ValueReader(archive: archive)
            return try reader.value(object, key: "", depth: 0)
        }
    }
}

/// Converts what the `Unpickler` built into a `CheckpointValue` (inside `Unpickler.load`,
/// before its containers are emptied), within limits: pickle's memo lets a small file refer to
/// one container from many places or from inside itself, so a hostile file could otherwise
/// describe an exponentially large or infinitely deep tree, or view one big storage thousands
/// of times.
private struct ValueReader {
    let archive: TorchArchive
    /// Containers nest at most this deep.
    static let maxDepth = 100
    /// At most this many values in the whole tree.
    private var nodesLeft = 1 << 22
    /// Bytes of tensor data still allowed, counted at 8 bytes an element (the widest palm
    /// returns): 4x the file (a float16 storage doubles as float32, and tied weights view one
    /// storage twice), plus 1 MiB.
    private var bytesLeft: Int
    /// Each distinct view is read once; a memo reference to it shares the result.
    private var tensors: [TensorRecord: CheckpointValue] = [:]

    init(archive: TorchArchive) {
        self.archive = archive
        bytesLeft = 4 * archive.archive.file.bytes.count + (1 << 20)
    }

    mutating func value(_ v: PickleValue, key: String, depth: Int) throws -> CheckpointValue {
        let path = archive.path
        let place = key.isEmpty ? "the top-level object" : "'\(key)'"
        nodesLeft -= 1
        guard depth <= Self.maxDepth, nodesLeft >= 0 else {
            throw CheckpointError.malformed(path: path, reason: "data.pkl nests deeper than \(Self.maxDepth) levels or holds more than \(1 << 22) values (at \(place); shared or cyclic references?)")
        }
        switch v {
        case .none: return .none
        case let .bool(b): return .bool(b)
        case let .int(i): return .int(i)
        case let .float(x): return .float(x)
        case let .string(s): return .string(s)
        case let .list(l):
            return .list(try l.items.enumerated().map { try value($1, key: key + "[\($0)]", depth: depth + 1) })
        case let .tuple(l):
            return .tuple(try l.items.enumerated().map { try value($1, key: key + "[\($0)]", depth: depth + 1) })
        case let .dict(d):
            var pairs: [(String, CheckpointValue)] = []
            for (k, item) in d.pairs {
                guard case let .string(name) = k else {
                    throw CheckpointError.unsupported(path: path, reason: "the dict at \(place) has a key of type \(k.kind); palm reads dicts keyed by strings")
                }
                pairs.append((name, try value(item, key: key.isEmpty ? name : key + "." + name, depth: depth + 1)))
            }
            return d.ordered ? .orderedDict(pairs) : .dict(pairs)
        case let .tensor(r):
            if let done = tensors[r] { return done }
            let name = key.isEmpty ? "<top level>" : key
            // Checked before the budget: the element count is then exact and at most
            // `TensorExtent.elementLimit`, so the product below cannot overflow.
            let elements = try archive.view(r, key: name).elements
            bytesLeft -= elements * 8
            guard bytesLeft >= 0 else {
                throw CheckpointError.malformed(path: path, reason: "reading the tensor at \(place) would take the tensors read past 4 times the file's size (one storage viewed many times?)")
            }
            let out: CheckpointValue
            switch r.storage.dtype {
            case .float32, .float16, .bfloat16, .float64: out = .tensor(try archive.floatTensor(r, key: name))
            case .int64, .int32, .int16, .int8, .uint8, .bool: out = .int64Tensor(shape: r.shape, values: try archive.int64Values(r, key: name))
            }
            tensors[r] = out
            return out
        case let .refused(name):
            throw CheckpointError.refusedGlobal(name: name, path: path)
        case .bytes, .global, .storage, .numpyDType:
            throw CheckpointError.unsupported(path: path, reason: "\(place) is a \(v.kind), which a checkpoint value tree does not hold")
        }
    }
}
