import Foundation

/// Writes PyTorch-layout zip checkpoints from Swift for tests that need what the Python
/// generator cannot commit: multi-gigabyte storages (written as sparse holes, so they cost no
/// disk) and ZIP64 offsets beyond 4 GB. Every size and offset goes into ZIP64 extra fields.
/// CRCs are left 0: palm does not verify them (it never reads whole entries to do so).
struct TorchZipWriter {
    enum Content { case bytes([UInt8]), hole(Int) }

    static func write(_ entries: [(name: String, content: Content)], to path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let fh = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? fh.close() }
        var central: [UInt8] = []
        var offset: UInt64 = 0
        func put(_ b: [UInt8]) throws { try fh.write(contentsOf: b); offset += UInt64(b.count) }
        for (name, content) in entries {
            let header = offset
            let size: UInt64
            switch content { case let .bytes(b): size = UInt64(b.count); case let .hole(n): size = UInt64(n) }
            let n = Array(name.utf8)
            var local = le(0x0403_4b50, 4) + le(45, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4)
            local += le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(UInt64(n.count), 2) + le(20, 2) + n
            local += le(1, 2) + le(16, 2) + le(size, 8) + le(size, 8)
            try put(local)
            switch content {
            case let .bytes(b): try put(b)
            case let .hole(n): offset += UInt64(n); try fh.seek(toOffset: offset)
            }
            central += le(0x0201_4b50, 4) + le(45, 2) + le(45, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4)
            central += le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(UInt64(n.count), 2) + le(28, 2) + le(0, 2)
            central += le(0, 2) + le(0, 2) + le(0, 4) + le(0xFFFF_FFFF, 4) + n
            central += le(1, 2) + le(24, 2) + le(size, 8) + le(size, 8) + le(header, 8)
        }
        let directory = offset
        try put(central)
        let zip64End = offset
        let count = UInt64(entries.count)
        try put(le(0x0606_4b50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4) + le(count, 8) + le(count, 8)
                + le(UInt64(central.count), 8) + le(directory, 8))
        try put(le(0x0706_4b50, 4) + le(0, 4) + le(zip64End, 8) + le(1, 4))
        try put(le(0x0605_4b50, 4) + le(0, 2) + le(0, 2) + le(0xFFFF, 2) + le(0xFFFF, 2) + le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(0, 2))
    }

    static func le(_ v: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
}

/// Protocol-2 pickle bytes of a plain state dict `{key: float32 tensor}`, as torch.save writes.
struct StateDictPickle {
    struct Tensor { let key: String; let storage: String; let count: Int; let shape: [Int]; let strides: [Int] }

    static func bytes(_ tensors: [Tensor]) -> [UInt8] {
        var p: [UInt8] = [0x80, 0x02, 0x7D]  // PROTO 2, EMPTY_DICT
        func text(_ s: String) { let u = Array(s.utf8); p += [0x58] + TorchZipWriter.le(UInt64(u.count), 4) + u }
        func int(_ v: Int) { p += [0x8A, 8] + TorchZipWriter.le(UInt64(bitPattern: Int64(v)), 8) }  // LONG1
        func global(_ m: String, _ n: String) { p += [0x63] + Array("\(m)\n\(n)\n".utf8) }
        for t in tensors {
            text(t.key)
            global("torch._utils", "_rebuild_tensor_v2")
            p.append(0x28)                                   // MARK (arguments)
            p.append(0x28)                                   // MARK (persistent id)
            text("storage"); global("torch", "FloatStorage"); text(t.storage); text("cpu"); int(t.count)
            p += [0x74, 0x51]                                // TUPLE, BINPERSID
            int(0)
            p.append(0x28); t.shape.forEach(int); p.append(0x74)
            p.append(0x28); t.strides.forEach(int); p.append(0x74)
            p.append(0x89)                                   // NEWFALSE (requires_grad)
            global("collections", "OrderedDict"); p += [0x29, 0x52]  // backward_hooks = OrderedDict()
            p += [0x74, 0x52, 0x73]                          // TUPLE, REDUCE, SETITEM
        }
        p.append(0x2E)
        return p
    }
}
