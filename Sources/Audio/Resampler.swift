import Foundation
import Tensor

/// Band-limited windowed-sinc resampling, a port of torchaudio's default
/// `torchaudio.transforms.Resample` (`sinc_interp_hann`, `lowpass_filter_width` 6,
/// `rolloff` 0.99), which the PENGI reference uses.
///
/// Provenance: torchaudio `functional/functional.py`, `_get_sinc_resample_kernel` and
/// `_apply_sinc_resample_kernel` (torchaudio 2.x; unchanged since 0.9). Rates are reduced by
/// their gcd to `orig`/`new`; `base = min(orig, new) * rolloff`;
/// `width = ceil(lowpass_filter_width * orig / base)`. For phase `i` in `0..<new` and tap
/// `k` in `0..<2*width + orig`:
///
///     t = (-i/new [computed in float32, a torch quirk copied on purpose] + (k - width)/orig) * base
///     t = clamp(t, -lpw, lpw)
///     kernel[i][k] = (t == 0 ? 1 : sin(pi t)/(pi t)) * cos(pi t / lpw / 2)^2 * base / orig
///
/// computed in float64 and stored as float32 (the transform's default). The signal is padded
/// with `width` zeros on the left and `width + orig` on the right; output sample
/// `f * new + i` is `sum_k kernel[i][k] * padded[f * orig + k]`; the output keeps
/// `ceil(new * length / orig)` samples.
///
/// Tolerance: the kernel is bit-identical to torchaudio's float32 kernel (same float64
/// formula, same rounding); outputs differ only by float32 summation order (sgemm here, conv1d
/// in PyTorch), about 1e-7 for signals in [-1, 1]. The golden tests assert max |diff| <= 2e-6.
public struct Resampler: Sendable {
    /// Rate of the input in Hz.
    public let sourceRate: Int
    /// Rate of the output in Hz.
    public let targetRate: Int
    /// Zero crossings of the sinc on each side (torchaudio `lowpass_filter_width`).
    public let lowpassFilterWidth: Int
    /// Cut-off as a fraction of the lower Nyquist frequency (torchaudio `rolloff`).
    public let rolloff: Double
    /// `sourceRate / gcd`: input samples consumed per output group.
    public let orig: Int
    /// `targetRate / gcd`: output samples (phases) per group.
    public let new: Int
    /// Zero padding and half filter support, in input samples.
    public let width: Int
    /// Taps per phase: `2 * width + orig`.
    public var taps: Int { 2 * width + orig }
    /// `kernel[i * taps + k]` for phase `i`, tap `k` (float32, as torchaudio caches it).
    public let kernel: [Float]
    /// The kernel transposed to `[taps, new]`, the right operand of the sgemm.
    private let kernelColumns: Tensor

    /// Largest kernel (`new * taps` floats) a resampler may build: 16M floats, 64 MB. Rates
    /// with a tiny gcd (44100 -> 44099) would need gigabytes, in torchaudio too.
    public static let maxKernelFloats = 16 << 20

    /// Kernel size, in floats, that `init(from:to:...)` would build.
    public static func kernelFloats(from sourceRate: Int, to targetRate: Int, lowpassFilterWidth: Int = 6, rolloff: Double = 0.99) -> Int {
        let g = gcd(sourceRate, targetRate)
        let orig = sourceRate / g, new = targetRate / g
        let width = Int((Double(lowpassFilterWidth) * Double(orig) / (Double(min(orig, new)) * rolloff)).rounded(.up))
        return new * (2 * width + orig)
    }

    /// Builds the kernel for `sourceRate -> targetRate` (both positive integers; the kernel
    /// must fit `maxKernelFloats`, which `Preprocessor` checks and reports as an error).
    public init(from sourceRate: Int, to targetRate: Int, lowpassFilterWidth: Int = 6, rolloff: Double = 0.99) {
        precondition(sourceRate > 0 && targetRate > 0 && lowpassFilterWidth > 0, "resampler needs positive rates and width")
        self.sourceRate = sourceRate
        self.targetRate = targetRate
        self.lowpassFilterWidth = lowpassFilterWidth
        self.rolloff = rolloff
        let g = gcd(sourceRate, targetRate)
        orig = sourceRate / g
        new = targetRate / g
        let base = Double(min(orig, new)) * rolloff
        width = Int((Double(lowpassFilterWidth) * Double(orig) / base).rounded(.up))
        let taps = 2 * width + orig
        let lpw = Double(lowpassFilterWidth)
        var k = [Float](repeating: 0, count: new * taps)
        for i in 0..<new {
            // torch.arange(0, -new, -1) / new is an int64 tensor divided in float32.
            let phase = Double(Float(-i) / Float(new))
            for j in 0..<taps {
                let idx = Double(j - width) / Double(orig)
                var t = (phase + idx) * base
                t = min(max(t, -lpw), lpw)
                let c = cos(t * Double.pi / lpw / 2)
                let window = c * c  // torch `** 2` on a tensor is a plain square
                t *= Double.pi
                let sinc = t == 0 ? 1.0 : sin(t) / t
                k[i * taps + j] = Float(sinc * (window * (base / Double(orig))))
            }
        }
        kernel = k
        var columns = [Float](repeating: 0, count: taps * new)
        for i in 0..<new { for j in 0..<taps { columns[j * new + i] = k[i * taps + j] } }
        kernelColumns = try! Tensor(columns, shape: [taps, new])
    }

    /// Number of output samples for `length` input samples: `ceil(new * length / orig)`.
    public func outputLength(_ length: Int) -> Int {
        length == 0 ? 0 : (new * length + orig - 1) / orig
    }

    /// Resamples `x` (identity when the rates are equal, as in torchaudio).
    ///
    /// Frames of `taps` inputs (stride `orig`) are gathered into a `[frames, taps]` matrix and
    /// multiplied by the `[taps, new]` kernel with OpenBLAS sgemm (through `Tensor.matmul`),
    /// in blocks of frames to bound memory.
    public func callAsFunction(_ x: [Float]) -> [Float] {
        if sourceRate == targetRate { return x }
        return x.withUnsafeBufferPointer { resample(window: $0, from: 0, length: x.count, outputs: 0..<outputLength(x.count)) }
    }

    /// Frames (groups of `new` outputs) per sgemm block for a `length`-sample input. The grid of
    /// blocks depends on `length` only, so a partial resample can run exactly the blocks the
    /// full one runs.
    func blockFrames(length: Int) -> Int {
        let frames = (outputLength(length) + new - 1) / new
        return max(1, min(frames, (1 << 20) / taps))
    }

    /// The frames (output groups) of the sgemm blocks that produce `outputs`.
    private func blockAlignedFrames(_ outputs: Range<Int>, length: Int) -> Range<Int> {
        let block = blockFrames(length: length)
        let frames = (outputLength(length) + new - 1) / new
        let first = outputs.lowerBound / new / block * block
        let last = ((outputs.upperBound - 1) / new / block + 1) * block
        return first..<min(last, frames)
    }

    /// The input samples that outputs `outputs` of a `length`-sample signal are computed from,
    /// widened to whole sgemm blocks: with this window, `resample(window:...)` repeats the full
    /// call's arithmetic for those outputs exactly, so a crop-only decode gives the same bits.
    ///
    /// Identity resampling (equal rates) needs exactly `outputs`.
    public func inputRange(for outputs: Range<Int>, length: Int) -> Range<Int> {
        precondition(outputs.lowerBound >= 0 && outputs.upperBound <= outputLength(length), "outputs outside the signal")
        if sourceRate == targetRate || outputs.isEmpty { return outputs }
        let frames = blockAlignedFrames(outputs, length: length)
        // Frame f reads padded samples f * orig ..< f * orig + taps, i.e. inputs shifted by -width.
        let lo = max(0, frames.lowerBound * orig - width)
        let hi = min(length, (frames.upperBound - 1) * orig - width + taps)
        return lo..<max(lo, hi)  // never upside down (release builds do not check Range bounds)
    }

    /// Outputs `outputs` of resampling a signal `x` of `length` samples, of which `window` holds
    /// `x[start ..< start + window.count]`; the window must cover `inputRange(for: outputs,
    /// length: length)`. The whole signal is `window` with `start` 0, `outputs` all of it.
    public func resample(window: UnsafeBufferPointer<Float>, from start: Int, length: Int, outputs: Range<Int>) -> [Float] {
        let needed = inputRange(for: outputs, length: length)
        precondition(start <= needed.lowerBound && needed.upperBound <= start + window.count, "window does not cover the inputs")
        if outputs.isEmpty { return [] }
        if sourceRate == targetRate {
            return Array(window[(outputs.lowerBound - start)..<(outputs.upperBound - start)])
        }
        let taps = self.taps
        let block = blockFrames(length: length)
        let frames = blockAlignedFrames(outputs, length: length)
        var out = [Float](repeating: 0, count: outputs.count)
        var f0 = frames.lowerBound
        while f0 < frames.upperBound {
            let nf = min(block, frames.upperBound - f0)
            let gathered = Tensor.zeros([nf, taps])
            let g = gathered.pointer
            for f in 0..<nf {
                // Padded index p maps to input index p - width; outside [0, length) is zero.
                let first = (f0 + f) * orig - width
                let lo = max(0, -first)
                let hi = min(taps, length - first)
                if hi > lo {
                    (g + f * taps + lo).update(from: window.baseAddress! + (first + lo - start), count: hi - lo)
                }
            }
            let y = try! gathered.matmul(kernelColumns)
            // This block's outputs f0 * new ..< (f0 + nf) * new, kept where they meet `outputs`.
            let keep = max(outputs.lowerBound, f0 * new)..<min(outputs.upperBound, (f0 + nf) * new)
            if !keep.isEmpty {
                out.withUnsafeMutableBufferPointer {
                    $0.baseAddress!.advanced(by: keep.lowerBound - outputs.lowerBound)
                        .update(from: y.pointer + (keep.lowerBound - f0 * new), count: keep.count)
                }
            }
            f0 += nf
        }
        return out
    }

    /// The direct formula, one output at a time: the slow reference the fast path is tested
    /// against.
    public func reference(_ x: [Float]) -> [Float] {
        if sourceRate == targetRate { return x }
        let outCount = outputLength(x.count)
        var out = [Float](repeating: 0, count: outCount)
        for o in 0..<outCount {
            let f = o / new, i = o % new
            var acc: Double = 0
            for k in 0..<taps {
                let p = f * orig + k - width
                if p >= 0 && p < x.count { acc += Double(kernel[i * taps + k]) * Double(x[p]) }
            }
            out[o] = Float(acc)
        }
        return out
    }
}

func gcd(_ a: Int, _ b: Int) -> Int {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return a
}
