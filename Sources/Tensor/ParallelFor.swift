import Foundation
import Support

/// Splits large elementwise loops across cores. Small loops run inline: below `grain`
/// elements the dispatch overhead costs more than it saves.
public enum ParallelFor {
    /// Number of worker threads for elementwise work and split products: `PALM_THREADS` when
    /// set (a positive integer), else the machine's active cores.
    public static let workers: Int = {
        if let v = ProcessInfo.processInfo.environment["PALM_THREADS"], let n = Int(v), n >= 1 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// The core count that sizes blocks whose edges change results (the row blocks of fused
    /// kernels, each its own GEMM: see `sgemm`): a constant, so that the numbers are the same on
    /// every machine; the blocks are then shared among `workers` cores.
    public static let partitionWorkers = 4

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
