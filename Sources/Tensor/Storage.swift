import Glibc

/// glibc `int mallopt(int param, int value)`; `malloc.h` is not part of Swift's Glibc module.
@_silgen_name("mallopt") private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32

/// A reference-counted, 64-byte-aligned block of `Float` values shared by tensor views.
///
/// Views (reshape, transpose, slice, expand) share one `Storage`; only ops that produce new
/// values allocate. Memory is returned when the last tensor referring to it goes away, which is
/// what lets the no-grad inference path free intermediates as soon as they are consumed.
public final class Storage: @unchecked Sendable {
    /// First element.
    public let base: UnsafeMutablePointer<Float>
    /// Number of elements.
    public let count: Int

    /// Allocates `count` uninitialised floats (callers fill them before reading).
    public init(uninitializedCount count: Int) {
        _ = Storage.allocatorTuned
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride,
                                                   alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Allocates `count` floats set to `value`.
    public convenience init(count: Int, repeating value: Float) {
        self.init(uninitializedCount: count)
        base.initialize(repeating: value, count: count)
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

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
