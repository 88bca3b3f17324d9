import CSndFile
import Foundation

/// A growable byte buffer that libsndfile reads and writes as a file (`sf_open_virtual`), so a
/// codec round trip needs no temporary file.
final class MemoryAudioFile {
    private(set) var bytes: [UInt8] = []
    private var position = 0

    /// Opens the buffer with libsndfile in `mode` (`SFM_WRITE` or `SFM_READ`, from the start).
    /// The buffer must outlive the handle.
    func open(mode: Int32, info: inout SF_INFO) -> OpaquePointer? {
        position = 0
        var io = SF_VIRTUAL_IO(
            get_filelen: { user in sf_count_t(MemoryAudioFile.from(user).bytes.count) },
            seek: { offset, whence, user in MemoryAudioFile.from(user).seek(Int(offset), whence: whence) },
            read: { pointer, count, user in MemoryAudioFile.from(user).read(pointer!, Int(count)) },
            write: { pointer, count, user in MemoryAudioFile.from(user).write(pointer!, Int(count)) },
            tell: { user in sf_count_t(MemoryAudioFile.from(user).position) })
        // libsndfile copies the callbacks; the buffer itself is borrowed unretained.
        return sf_open_virtual(&io, mode, &info, Unmanaged.passUnretained(self).toOpaque())
    }

    private static func from(_ user: UnsafeMutableRawPointer?) -> MemoryAudioFile {
        Unmanaged<MemoryAudioFile>.fromOpaque(user!).takeUnretainedValue()
    }

    private func seek(_ offset: Int, whence: Int32) -> sf_count_t {
        let base: Int
        switch whence {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = position
        default: base = bytes.count
        }
        guard base + offset >= 0 else { return -1 }
        position = base + offset
        return sf_count_t(position)
    }

    private func read(_ pointer: UnsafeMutableRawPointer, _ count: Int) -> sf_count_t {
        let n = max(0, min(count, bytes.count - position))
        if n > 0 { bytes.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress! + position, byteCount: n) } }
        position += n
        return sf_count_t(n)
    }

    private func write(_ pointer: UnsafeRawPointer, _ count: Int) -> sf_count_t {
        if position + count > bytes.count { bytes.append(contentsOf: repeatElement(0, count: position + count - bytes.count)) }
        bytes.withUnsafeMutableBytes { ($0.baseAddress! + position).copyMemory(from: pointer, byteCount: count) }
        position += count
        return sf_count_t(count)
    }
}
