import Foundation

/// Order-preserving parallel map over a fixed number of threads (files are independent).
enum ConcurrentMap {
    static func map<T: Sendable, R: Sendable>(_ items: [T], threads: Int, _ body: @Sendable (T) -> R) -> [R] {
        let n = items.count
        let workers = max(1, min(threads, n))
        if workers == 1 { return items.map(body) }
        let results = ResultSlots<R>(count: n)
        let next = AtomicCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.increment()
                if i >= n { break }
                results.set(i, body(items[i]))
            }
        }
        return results.values()
    }
}

/// Slots written once each by concurrent workers (each index by exactly one worker).
final class ResultSlots<R>: @unchecked Sendable {
    private var slots: [R?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: R) { lock.lock(); slots[i] = value; lock.unlock() }
    func values() -> [R] { slots.map { $0! } }
}

/// A shared work index.
final class AtomicCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    /// Returns the current value and advances it.
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; let v = value; value += 1; return v }
}
