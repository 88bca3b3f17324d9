import Foundation

/// Splits large elementwise loops across cores. Small loops run inline: below `grain`
/// elements the dispatch overhead costs more than it saves.
public enum ParallelFor {
    /// Number of worker threads for elementwise work (the machine's active cores).
    public static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body(lo, hi)` over disjoint ranges covering `0..<n`.
    @inline(__always)
    public static func chunks(_ n: Int, grain: Int, _ body: (Int, Int) -> Void) {
        let parts = min(workers, n / max(grain, 1))
        if parts <= 1 { body(0, n); return }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                box.value(n * p / parts, n * (p + 1) / parts)
            }
        }
    }
}

/// Carries a non-Sendable value into `concurrentPerform`; callers guarantee disjoint writes.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
