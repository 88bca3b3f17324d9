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
}
