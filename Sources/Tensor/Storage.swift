import Glibc

/// glibc `int mallopt(int param, int value)`; `malloc.h` is not part of Swift's Glibc module.
@_silgen_name("mallopt") private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32

/// A reference-counted, 64-byte-aligned block of `Float` values shared by tensor views.
///
/// Views (reshape, transpose, slice, expand) share one `Storage`; only ops that produce new
/// values allocate. Memory is returned when the last tensor referring to it goes away, which is
/// what lets the no-grad inference path free intermediates as soon as they are consumed (blocks
/// of 4 MB and more go to a bounded cache for reuse first: `LargeBlockCache`).
public final class Storage: @unchecked Sendable {
    /// First element.
    public let base: UnsafeMutablePointer<Float>
    /// Number of elements.
    public let count: Int

    /// Allocates `count` uninitialised floats (callers fill them before reading).
    public init(uninitializedCount count: Int) {
        _ = Storage.allocatorTuned
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let raw = LargeBlockCache.take(bytes: bytes) ?? UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit {
        let raw = UnsafeMutableRawPointer(base)
        if !LargeBlockCache.give(raw, bytes: max(count, 1) * MemoryLayout<Float>.stride) { raw.deallocate() }
    }

    /// Training allocates and frees the same few-hundred-kilobyte buffers every step. glibc
    /// serves blocks above its mmap threshold with fresh mappings (a page fault per 4 KB on
    /// first touch) and trims freed heap back to the system; raising the threshold to 4 MB and
    /// the trim threshold to 256 MB keeps such buffers in the heap for reuse (PALM's 50 epochs:
    /// median 1.11 s -> 0.68 s over 5 runs each, `palm bench prompting`), while large
    /// activations still get their own mappings (keeping those in the heap measured slower).
    /// Done once, before the first tensor.
    private static let allocatorTuned: Bool = {
        _ = glibcMallopt(-3, 4 << 20)  // M_MMAP_THRESHOLD (malloc.h; not in the Glibc module)
        _ = glibcMallopt(-1, 256 << 20)  // M_TRIM_THRESHOLD
        return true
    }()
}

/// Keeps recently freed blocks of 4 MB and more for reuse by the next allocation of the same
/// size. glibc serves such blocks with fresh mappings: every 4 KB page faults and is zeroed by
/// the kernel on first touch, and a training step frees and requests the same few activation
/// sizes every time (a CLIP block's 2000 x 2048 MLP activations: 16 MB each, several per
/// step). At most `capacity` bytes are held; the oldest blocks are released first.
enum LargeBlockCache {
    static let minimumBytes = 4 << 20
    static let capacity = 128 << 20

    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()
    nonisolated(unsafe) private static var blocks: [(bytes: Int, pointer: UnsafeMutableRawPointer)] = []
    nonisolated(unsafe) private static var held = 0

    /// A cached block of exactly `bytes`, or nil.
    static func take(bytes: Int) -> UnsafeMutableRawPointer? {
        guard bytes >= minimumBytes else { return nil }
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        guard let i = blocks.lastIndex(where: { $0.bytes == bytes }) else { return nil }
        held -= bytes
        return blocks.remove(at: i).pointer
    }

    /// Keeps `pointer` for reuse; false when the block is too small or too large to keep (the
    /// caller frees it).
    static func give(_ pointer: UnsafeMutableRawPointer, bytes: Int) -> Bool {
        guard bytes >= minimumBytes, bytes <= capacity / 4 else { return false }
        var evicted: [UnsafeMutableRawPointer] = []
        pthread_mutex_lock(lock)
        while held + bytes > capacity, !blocks.isEmpty {
            let old = blocks.removeFirst()
            held -= old.bytes
            evicted.append(old.pointer)
        }
        blocks.append((bytes, pointer))
        held += bytes
        pthread_mutex_unlock(lock)
        for p in evicted { p.deallocate() }
        return true
    }
}
