/// Carries a non-Sendable value (a pointer, a closure) into `DispatchQueue.concurrentPerform`
/// work items. Callers guarantee that the items write disjoint memory and that the value
/// outlives the parallel region.
public struct UncheckedBox<T>: @unchecked Sendable {
    public let value: T
    @inline(__always) public init(_ value: T) { self.value = value }
}
