import Foundation
import Tensor

/// The one allocation cap and the memory budget that every script path creating a tensor, a
/// list or a string consults before it allocates, so a script that asks for too much gets a
/// `ScriptError` (and the REPL keeps its session) instead of an abort or the kernel's OOM killer.
///
/// - The cap: no single tensor, list or string may hold more than `maxElements` elements
///   (bytes for a string). That is 2^31 - 1, the largest count the tensor engine's BLAS calls
///   can index (they take 32-bit dimensions and leading dimensions).
/// - The budget: a large allocation (over `checkedAllocationBytes`) must fit, together with the
///   process's resident memory, in `memoryBudget` bytes; and every 1024 loop iterations or
///   calls the interpreter checks that resident memory has not grown past it (a list appended
///   to in a loop). `palm run --max-memory SIZE` and `palm repl --max-memory SIZE` set it; by
///   default it is three quarters of the physical memory (or of the cgroup's limit when lower).
///
/// The budget is per process, as resident memory is.
public enum AllocationBudget {
    /// What is being allocated, for sizes and messages.
    public enum Kind: String, Sendable {
        case tensor, list, string

        /// Bytes one element takes: a float32, a script value, a UTF-8 byte.
        public var bytesPerElement: Int {
            switch self {
            case .tensor: return MemoryLayout<Float>.stride
            case .list: return MemoryLayout<Value>.stride
            case .string: return 1
            }
        }

        var unit: String { self == .string ? "bytes" : "elements" }
    }

    /// The cap on elements of one tensor, list or string (see the type's documentation).
    public static let maxElements = Int(Int32.max)

    /// The memory budget in bytes.
    nonisolated(unsafe) public static var memoryBudget = defaultMemoryBudget

    /// Requests at least this large are checked against resident memory when they are made
    /// (reading it costs a system call); smaller ones only by the periodic check.
    public static let checkedAllocationBytes = 1 << 20

    /// Three quarters of the physical memory, or of the control group's memory limit when that
    /// is lower (a container), so the budget trips before the kernel's OOM killer does.
    public static let defaultMemoryBudget: Int = {
        var limit = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        if let cgroup = cgroupMemoryLimit(), cgroup > 0 { limit = min(limit, cgroup) }
        return limit / 4 * 3
    }()

    /// Throws unless `count` elements of a `kind` fit under the cap and in the budget.
    /// - Parameters:
    ///   - extraBytes: other memory the operation needs at the same time (temporaries).
    ///   - atMost: `count` is an upper bound (the message says "up to").
    public static func require(_ count: Int, _ kind: Kind, extraBytes: Int = 0, atMost: Bool = false) throws {
        guard count >= 0 else { throw ScriptError.runtime("\(kind.rawValue) of \(grouped(count)) \(kind.unit) is not a size") }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: kind.bytesPerElement)
        let (total, overflow2) = bytes.addingReportingOverflow(max(0, extraBytes))
        let request = overflow || overflow2 ? Int.max : total
        // Int.max stands for a count that overflowed while it was multiplied out.
        let amount = count == Int.max ? "more than \(grouped(Int.max))" : (atMost ? "up to " : "") + grouped(count)
        let described = "\(kind.rawValue) of \(amount) \(kind.unit) (\(bytesText(request)))"
        if request > memoryBudget {
            throw ScriptError.runtime("\(described) exceeds the memory budget of \(bytesText(memoryBudget)); \(raiseHint)")
        }
        if count > maxElements {
            throw ScriptError.runtime("\(described) exceeds the cap of \(grouped(maxElements)) elements per tensor, list or string (the tensor engine indexes with 32-bit integers)")
        }
        guard request >= checkedAllocationBytes else { return }
        let resident = residentBytes()
        if resident > memoryBudget - request {
            throw ScriptError.runtime("\(described) does not fit in the memory budget of \(bytesText(memoryBudget)) (\(bytesText(resident)) already in use); \(raiseHint)")
        }
    }

    /// Throws when a `kind` of `count` elements may not grow by one more (the cap only: growth
    /// by one is too frequent to read resident memory each time; the periodic check covers it).
    public static func requireGrowth(of count: Int, _ kind: Kind) throws {
        guard count < maxElements else {
            throw ScriptError.runtime("\(kind.rawValue) of \(grouped(count)) \(kind.unit) cannot grow: that is the cap per tensor, list or string")
        }
    }

    /// Throws unless a tensor of `shape` fits (its element count is computed with overflow
    /// checks; a negative dimension is refused).
    public static func requireTensor(_ shape: [Int], extraBytes: Int = 0) throws {
        try require(elementCount(checked: shape), .tensor, extraBytes: extraBytes)
    }

    /// The number of elements of `shape`, or `Int.max` when the product overflows.
    public static func elementCount(checked shape: [Int]) throws -> Int {
        var n = 1
        for d in shape {
            guard d >= 0 else { throw ScriptError.runtime("negative dimension in shape \(shapeString(shape))") }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return Int.max }
            n = p
        }
        return n
    }

    /// `pieces` joined by `separator`, after checking the result's length (computed with
    /// overflow checks) against the cap and the budget.
    public static func joined(_ pieces: [String], separator: String = "") throws -> String {
        var bytes = 0, overflow = false
        for p in pieces {
            (bytes, overflow) = bytes.addingReportingOverflow(p.utf8.count)
            if overflow { break }
        }
        if !overflow, pieces.count > 1 {
            let (seps, o1) = separator.utf8.count.multipliedReportingOverflow(by: pieces.count - 1)
            let (total, o2) = bytes.addingReportingOverflow(seps)
            (bytes, overflow) = (total, o1 || o2)
        }
        try require(overflow ? Int.max : bytes, .string)
        return pieces.joined(separator: separator)
    }

    /// Throws when the process's resident memory has grown past the budget (the interpreter
    /// calls this every 1024 loop iterations or calls).
    static func checkResident() throws {
        let resident = residentBytes()
        if resident > memoryBudget {
            throw ScriptError.runtime("memory in use (\(bytesText(resident))) exceeds the memory budget of \(bytesText(memoryBudget)); free large values, or \(raiseHint)")
        }
    }

    private static let raiseHint = "palm run --max-memory raises it"

    // MARK: Measuring

    /// The process's resident set size in bytes (Linux: /proc/self/statm; 0 where unknown, so
    /// the budget then bounds single requests only).
    public static func residentBytes() -> Int {
        #if os(Linux)
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 127) }
        guard n > 0 else { return 0 }
        // "size resident shared text lib data dt", in pages.
        let fields = buffer[0..<n].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return 0
        #endif
    }

    /// The memory limit of this process's control group (v2 `memory.max`, else v1), if any.
    private static func cgroupMemoryLimit() -> Int? {
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            // "max" (v2) or a huge number (v1) mean no limit; Int parsing handles both.
            if let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit < Int.max / 2 { return limit }
        }
        return nil
    }

    // MARK: Sizes in text

    /// Parses a size such as `4G`, `512M`, `1.5g`, `800K` or a plain byte count (binary units:
    /// K = 1024 bytes); nil when malformed or not positive.
    public static func parseSize(_ text: String) -> Int? {
        var s = text.trimmingCharacters(in: .whitespaces).uppercased()
        if s.hasSuffix("IB") { s.removeLast(2) } else if s.hasSuffix("B") { s.removeLast() }
        let units: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
        var scale = 1.0
        if let last = s.last, let u = units[last] {
            scale = u
            s.removeLast()
        }
        guard let x = Double(s.trimmingCharacters(in: .whitespaces)), x.isFinite, x > 0 else { return nil }
        let bytes = x * scale
        guard bytes >= 1, bytes < 9e18 else { return nil }
        return Int(bytes)
    }

    /// `160 GiB`, `512 MiB`, `300 bytes`.
    public static func bytesText(_ bytes: Int) -> String {
        if bytes == Int.max { return "more than 8 EiB" }
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes), i = 0
        while value >= 1024, i < units.count - 1 {
            value /= 1024
            i += 1
        }
        if i == 0 { return "\(bytes) bytes" }
        return (value < 10 ? String(format: "%.1f", value) : "\(Int(value.rounded()))") + " " + units[i]
    }

    /// `40 000 000 000`: digits in groups of three, for counts a reader must compare.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(" ") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
