import Foundation

/// Wall time (and FLOPs) per named stage of a forward pass, for benchmarks' profile tables.
/// Off by default: `measure` then costs one branch. Only the thread that called `start` may
/// record (the encoders' stages run on the calling thread; their parallel loops run inside a
/// stage), so no locking.
public enum StageProfiler {
    /// One stage's totals.
    public struct Entry: Sendable {
        public let name: String
        public var seconds: Double
        /// Multiply-adds x2 the stage's callers declared (0 for memory-bound passes).
        public var flops: Double
        public var calls: Int
        public var gflopsPerSecond: Double { seconds > 0 ? flops / seconds / 1e9 : 0 }
    }

    nonisolated(unsafe) public private(set) static var isEnabled = false
    nonisolated(unsafe) private static var entries: [String: Entry] = [:]
    nonisolated(unsafe) private static var order: [String] = []
    nonisolated(unsafe) private static var prefix: [String] = []

    /// Clears the totals and starts recording.
    public static func start() {
        entries = [:]; order = []; prefix = []
        isEnabled = true
    }

    /// Stops recording and returns the stages in first-seen order.
    public static func stop() -> [Entry] {
        isEnabled = false
        return order.compactMap { entries[$0] }
    }

    /// Runs `body` as stage `name` (below the enclosing scopes' names), adding its wall time
    /// and `flops`.
    @inline(__always)
    public static func measure<T>(_ name: @autoclosure () -> String, flops: @autoclosure () -> Double = 0,
                                  _ body: () throws -> T) rethrows -> T {
        guard isEnabled else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        record((prefix + [name()]).joined(separator: " / "), seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
               flops: flops())
        return result
    }

    /// Runs `body` with `name` prefixed to the stages it measures (not timed itself).
    @inline(__always)
    public static func scope<T>(_ name: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        guard isEnabled else { return try body() }
        prefix.append(name())
        defer { prefix.removeLast() }
        return try body()
    }

    private static func record(_ key: String, seconds: Double, flops: Double) {
        if entries[key] == nil { order.append(key); entries[key] = Entry(name: key, seconds: 0, flops: 0, calls: 0) }
        entries[key]!.seconds += seconds
        entries[key]!.flops += flops
        entries[key]!.calls += 1
    }
}
