import CBLAS
import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Which family of OpenBLAS kernels computes palm's products, so that the same seed gives the
/// same numbers on every x86-64 CPU, not only on the machine that ran it first.
///
/// A DYNAMIC_ARCH OpenBLAS (Debian's) picks its kernels per CPU when it loads: SkylakeX's and
/// Cooperlake's AVX-512 kernels, Haswell's AVX2 ones (also Zen's), Sandybridge's AVX ones, ...
/// Each family sums a dot product in its own order, so a product differs in the last bits from
/// one family to the next. Frozen features move by about 1e-6 (PALM's and zero-shot's
/// accuracies do not notice), but CoOp's 50 epochs of SGD through the text tower amplify it:
/// the demo's CoOp context ends up to 0.5 apart and its accuracy a few test clips apart.
///
/// `pinAtStartup` switches OpenBLAS to one family, `pinnedFamily`, before the first product.
/// The library reads `OPENBLAS_CORETYPE` only while it loads, before `main`; its exported
/// `gotoblas_dynamic_quit` / `gotoblas_dynamic_init` (looked up at run time, so a single-target
/// OpenBLAS without them still links) choose again with the variable set. Haswell's kernels run
/// on every CPU with AVX2 and FMA (Intel since 2013, AMD since 2015-2017): all of those compute
/// the same numbers. An older CPU keeps OpenBLAS's own choice.
///
/// `PALM_BLAS_CORETYPE` decides: unset, `pinnedFamily`; `native` keeps OpenBLAS's own choice
/// (the CPU's family, or `OPENBLAS_CORETYPE`'s: the fastest kernels, numbers of that family
/// only); another value pins that OpenBLAS core name (e.g. SkylakeX, which the CPU must be able
/// to run). `OPENBLAS_CORETYPE` alone does not change palm's kernels: it is how a test plays
/// another CPU.
public enum BLASKernels {
    /// The family palm pins by default.
    public static let pinnedFamily = "Haswell"

    /// What `pinAtStartup` did.
    public enum Outcome: Equatable, Sendable {
        /// Switched from OpenBLAS's choice (`from`) to `to`.
        case pinned(from: String, to: String)
        /// OpenBLAS already runs the requested family.
        case alreadyPinned(String)
        /// Left as OpenBLAS chose (`family`), for `reason`.
        case kept(family: String, reason: String)
    }

    nonisolated(unsafe) private static var outcome: Outcome?

    /// False only when `PALM_BLAS_CORETYPE=native` asked for OpenBLAS's fastest choices: then
    /// products may also be split in ways that depend on the number of cores (`sgemm`).
    public static let partitionsInvariant: Bool = {
        ProcessInfo.processInfo.environment["PALM_BLAS_CORETYPE"]?.lowercased() != "native"
    }()

    /// The family OpenBLAS runs now (its core name, e.g. "Haswell"; "Cooperlake" on a Zen 4).
    public static var currentFamily: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// One line for benchmarks and logs: the family in use and why.
    public static var summary: String {
        switch outcome {
        case .pinned(let from, let to)?: return "\(to) kernels (pinned for reproducible numbers; OpenBLAS chose \(from))"
        case .alreadyPinned(let f)?: return "\(f) kernels (pinned for reproducible numbers)"
        case .kept(let f, let reason)?: return "\(f) kernels (\(reason))"
        case nil: return "\(currentFamily) kernels (OpenBLAS's choice)"
        }
    }

    /// Pins the kernel family as the environment says (see the type's documentation). Call it
    /// first thing in `main`, before any BLAS call and before other threads start; later calls
    /// return the first outcome.
    @discardableResult
    public static func pinAtStartup(environment: [String: String] = ProcessInfo.processInfo.environment) -> Outcome {
        if let outcome { return outcome }
        let result = decide(environment: environment)
        outcome = result
        return result
    }

    private static func decide(environment env: [String: String]) -> Outcome {
        let own = currentFamily
        let requested = env["PALM_BLAS_CORETYPE"].flatMap { $0.isEmpty ? nil : $0 }
        if let requested, requested.lowercased() == "native" {
            return .kept(family: own, reason: "PALM_BLAS_CORETYPE=native: this CPU family's numbers")
        }
        let target = requested ?? pinnedFamily
        if own.lowercased() == target.lowercased() { return .alreadyPinned(own) }
        if requested == nil, !cpuRunsHaswellKernels() {
            return .kept(family: own, reason: "no AVX2/FMA for the pinned \(pinnedFamily) kernels: this CPU family's numbers")
        }
        guard let quit = symbol("gotoblas_dynamic_quit"), let initialise = symbol("gotoblas_dynamic_init") else {
            return .kept(family: own, reason: "this OpenBLAS is built for one CPU family")
        }
        let before = env["OPENBLAS_CORETYPE"]
        setenv("OPENBLAS_CORETYPE", target, 1)
        quit()
        initialise()
        // Child processes (other tools, PyTorch in benchmarks) see the environment they were given.
        if let before { setenv("OPENBLAS_CORETYPE", before, 1) } else { unsetenv("OPENBLAS_CORETYPE") }
        let now = currentFamily
        if now.lowercased() != target.lowercased() {
            return .kept(family: now, reason: "OpenBLAS does not know the core type \(target)")
        }
        return .pinned(from: own, to: now)
    }

    /// A `void f(void)` exported by the loaded OpenBLAS.
    private static func symbol(_ name: String) -> (@convention(c) () -> Void)? {
        #if canImport(Glibc)
        guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }  // RTLD_DEFAULT
        return unsafeBitCast(p, to: (@convention(c) () -> Void).self)
        #else
        return nil
        #endif
    }

    /// True when the CPU and the kernel run AVX2 and FMA code (the kernel lists a flag only when
    /// it saves the registers it needs).
    public static func cpuRunsHaswellKernels() -> Bool {
        #if arch(x86_64) && os(Linux)
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        let flags = Set(line.split(separator: " ").map(String.init))
        return flags.contains("avx2") && flags.contains("fma")
        #else
        return false
        #endif
    }
}
