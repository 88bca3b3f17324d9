import Foundation
import Support

/// Splits large elementwise loops across cores. Small loops run inline: below `grain`
/// elements the dispatch overhead costs more than it saves.
public enum ParallelFor {
    /// Number of worker threads for elementwise work (the machine's active cores).
    public static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body(lo, hi)` over disjoint ranges covering `0..<n`.
    @inline(__always)
    public static func chunks(_ n: Int, grain: Int, _ body: (Int, Int) -> Void) {
        indexedChunks(n, grain: grain) { _, lo, hi in body(lo, hi) }
    }

    /// The number of ranges `chunks`/`indexedChunks` cut `0..<n` into.
    @inline(__always)
    public static func parts(_ n: Int, grain: Int) -> Int { max(1, min(workers, n / max(grain, 1))) }

    /// Calls `body(part, lo, hi)` over disjoint ranges covering `0..<n`, `part` in
    /// `0..<parts(n, grain:)` (for per-part partial results).
    @inline(__always)
    public static func indexedChunks(_ n: Int, grain: Int, _ body: (Int, Int, Int) -> Void) {
        let parts = parts(n, grain: grain)
        if parts <= 1 { body(0, 0, n); return }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                box.value(p, n * p / parts, n * (p + 1) / parts)
            }
        }
    }
}
