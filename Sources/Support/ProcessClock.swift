import Foundation

/// CPU time and memory of this process, for benchmarks: on a shared machine the CPU seconds a
/// workload costs are steadier than its wall time.
public enum ProcessClock {
    /// CPU time (user + system) consumed by the whole process so far, in seconds.
    public static func cpuSeconds() -> Double {
        let u = usage()
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(u.ru_utime) + seconds(u.ru_stime)
    }

    /// CPU time consumed by the calling thread so far, in nanoseconds.
    public static func threadCPUNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// The process's maximum resident set size so far, in MB.
    public static func peakResidentMB() -> Double {
        Double(usage().ru_maxrss) / 1024
    }

    private static func usage() -> rusage {
        var u = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
        #else
        getrusage(RUSAGE_SELF, &u)
        #endif
        return u
    }
}
