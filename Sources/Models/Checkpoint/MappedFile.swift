import Foundation
import Support

/// A read-only memory map of a whole file. Checkpoint readers slice tensors out of it, so a
/// 2 GB checkpoint costs only the pages of the tensors actually read.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let bytes: UnsafeRawBufferPointer

    /// Maps `path`; throws `CheckpointError.unreadable` naming the path and the reason. A path
    /// that is not a regular file is refused before `open` (`InputFile.requireRegular`):
    /// opening a FIFO would block until a writer appears, and a device may never end.
    public init(path: String) throws {
        self.path = path
        do {
            try InputFile.requireRegular(path, role: "checkpoint")
        } catch let e as InputFileError {
            throw CheckpointError.unreadable(path: InputFile.printable(path), reason: e.reason)
        }
        // O_NONBLOCK as well: if the path is swapped for a FIFO after the check, open returns
        // at once and fstat below refuses it (mmap ignores the flag).
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw CheckpointError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CheckpointError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw CheckpointError.unreadable(path: path, reason: "not a regular file") }
        let size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw CheckpointError.unreadable(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }

    /// Drops the pages under `range` (byte offsets) from this process's resident set, once a
    /// tensor has been copied out of them. Without this, loading 400 MB of weights would keep
    /// 400 MB of mapped file pages resident beside the 400 MB of tensors. The mapping is
    /// private and read-only, so the pages simply re-fault from the file if read again; pages
    /// shared with a neighbouring tensor at either end are dropped too, harmlessly.
    public func evict(_ range: Range<Int>) {
        guard let base = bytes.baseAddress, !range.isEmpty, range.lowerBound >= 0, range.upperBound <= bytes.count else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / page * page
        let end = min((range.upperBound + page - 1) / page * page, (bytes.count + page - 1) / page * page)
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    /// Little-endian unsigned integer of `width` bytes at `offset` (bounds checked by callers).
    public func uint(at offset: Int, width: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<width { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        return v
    }
}

/// Converts `count` stored elements at `raw` to float32 into `out`.
func convertToFloat(_ raw: UnsafeRawPointer, dtype: StoredDType, count: Int, into out: UnsafeMutablePointer<Float>) {
    switch dtype {
    case .float32: memcpy(out, raw, count * 4)
    case .float64: for i in 0..<count { out[i] = Float(raw.loadUnaligned(fromByteOffset: i * 8, as: Double.self)) }
    case .float16: for i in 0..<count { out[i] = Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))) }
    case .bfloat16:
        for i in 0..<count { out[i] = Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)) << 16) }
    case .int64: for i in 0..<count { out[i] = Float(raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }
    case .int32: for i in 0..<count { out[i] = Float(raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)) }
    case .int16: for i in 0..<count { out[i] = Float(raw.loadUnaligned(fromByteOffset: i * 2, as: Int16.self)) }
    case .int8: for i in 0..<count { out[i] = Float(raw.load(fromByteOffset: i, as: Int8.self)) }
    case .uint8, .bool: for i in 0..<count { out[i] = Float(raw.load(fromByteOffset: i, as: UInt8.self)) }
    }
}
