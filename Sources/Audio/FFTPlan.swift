@preconcurrency import CFFTW
import Foundation

/// A real-to-complex FFTW plan of one size, shared by all threads.
///
/// FFTW's planner is not thread-safe, so plans are created (and never destroyed) under one
/// process-wide lock; executing a plan on new arrays (`fftwf_execute_dft_r2c`) is thread-safe.
/// Plans use `FFTW_ESTIMATE`: `FFTW_MEASURE` could pick a different algorithm per run and so
/// change results in the last bit, and palm promises bit-for-bit reruns.
public final class RealFFTPlan: @unchecked Sendable {
    /// Transform length (real input samples).
    public let size: Int
    private let plan: OpaquePointer

    /// Serialises FFTW's planner for every plan palm makes (forward and inverse).
    static let plannerLock = NSLock()
    nonisolated(unsafe) private static var cache: [Int: RealFFTPlan] = [:]

    private init(size: Int, plan: OpaquePointer) {
        self.size = size
        self.plan = plan
    }

    /// The plan for `size` (created on first use, then reused).
    public static func shared(size: Int) -> RealFFTPlan {
        plannerLock.lock()
        defer { plannerLock.unlock() }
        if let p = cache[size] { return p }
        let input = FFTBuffer(realCount: size)
        let output = FFTBuffer(complexCount: size / 2 + 1)
        let flagEstimate: UInt32 = 1 << 6  // FFTW_ESTIMATE (a macro Swift does not import)
        guard let raw = fftwf_plan_dft_r2c_1d(Int32(size), input.real, output.complex, flagEstimate) else {
            fatalError("FFTW could not plan a real FFT of size \(size)")
        }
        let p = RealFFTPlan(size: size, plan: raw)
        cache[size] = p
        return p
    }

    /// Transforms `input.real[0..<size]` into `output.complex[0..<bins]` (unnormalised,
    /// `X[k] = sum_n x[n] exp(-2 pi i k n / size)`). Both buffers come from `FFTBuffer`, so
    /// they have the SIMD alignment the plan was made with.
    public func execute(_ input: FFTBuffer, _ output: FFTBuffer) {
        fftwf_execute_dft_r2c(plan, input.real, output.complex)
    }
}

/// A complex-to-real FFTW plan of one size (the inverse of `RealFFTPlan`), shared by all
/// threads and made under the same planner lock, with `FFTW_ESTIMATE` for the same reason.
public final class InverseRealFFTPlan: @unchecked Sendable {
    /// Transform length (real output samples).
    public let size: Int
    private let plan: OpaquePointer

    nonisolated(unsafe) private static var cache: [Int: InverseRealFFTPlan] = [:]

    private init(size: Int, plan: OpaquePointer) {
        self.size = size
        self.plan = plan
    }

    /// The plan for `size` (created on first use, then reused).
    public static func shared(size: Int) -> InverseRealFFTPlan {
        RealFFTPlan.plannerLock.lock()
        defer { RealFFTPlan.plannerLock.unlock() }
        if let p = cache[size] { return p }
        let input = FFTBuffer(complexCount: size / 2 + 1)
        let output = FFTBuffer(realCount: size)
        let flagEstimate: UInt32 = 1 << 6  // FFTW_ESTIMATE
        guard let raw = fftwf_plan_dft_c2r_1d(Int32(size), input.complex, output.real, flagEstimate) else {
            fatalError("FFTW could not plan an inverse real FFT of size \(size)")
        }
        let p = InverseRealFFTPlan(size: size, plan: raw)
        cache[size] = p
        return p
    }

    /// Transforms `input.complex[0..<bins]` into `output.real[0..<size]`, unnormalised
    /// (`x[n] = sum_k X[k] exp(2 pi i k n / size)`, so a forward then inverse pass scales by
    /// `size`). FFTW's complex-to-real transforms overwrite their input.
    public func execute(_ input: FFTBuffer, _ output: FFTBuffer) {
        fftwf_execute_dft_c2r(plan, input.complex, output.real)
    }
}

/// An FFTW-aligned buffer (`fftwf_malloc`), owned by one thread at a time.
public final class FFTBuffer: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    /// Number of floats held.
    public let floatCount: Int

    /// Room for `realCount` floats.
    public init(realCount: Int) {
        floatCount = realCount
        raw = fftwf_malloc(max(1, realCount) * MemoryLayout<Float>.stride)!
        raw.initializeMemory(as: Float.self, repeating: 0, count: realCount)
    }

    /// Room for `complexCount` complex values (interleaved re, im).
    public convenience init(complexCount: Int) {
        self.init(realCount: 2 * complexCount)
    }

    deinit { fftwf_free(raw) }

    /// The buffer as floats.
    public var real: UnsafeMutablePointer<Float> { raw.assumingMemoryBound(to: Float.self) }
    var complex: UnsafeMutablePointer<fftwf_complex> { raw.assumingMemoryBound(to: fftwf_complex.self) }
}
