// Elementwise transcendental functions written as plain arithmetic and selects, so a loop that
// calls them (inlined) is vectorised by the compiler; libm's scalar `expf`/`erff` are not, and
// were the largest non-GEMM cost of a transformer block (the QuickGELU/GELU of the MLP and the
// attention softmax). Used by Tensor's forward and backward kernels and by the frozen
// inference kernels in Models.
//
// exp is Cephes' `expf` (the scheme SLEEF/PyTorch's vectorised exp also follow):
// x = n ln2 + r with n = round(x log2 e) and ln2 split in two for exactness, a degree-6
// polynomial for e^r, then 2^n from the exponent bits. About 1 ulp on [-87, 88], where 2^n is a
// normal float; `exp` clamps its argument to that range (finite results for any finite input).
//
// erf is the rational minimax approximation that Eigen (`generic_fast_erf_float`) and XLA use
// for float: inputs clamped to [-4, 4] (erf is +-1 in float beyond), an odd degree-13 numerator
// over an even degree-8 denominator. Max error against the exact erf ~4e-7 (tested).

import CKernels

public enum FastMath {
    /// `e^x` for `x` clamped to [-87, 88] (the ends give e^-87 and e^88); NaN stays NaN.
    @inlinable @inline(__always)
    public static func exp(_ v: Float) -> Float {
        // The comparisons are written so NaN takes the clamp: every later step stays finite.
        var x = v <= 88 ? v : 88
        x = x >= -87 ? x : -87
        // n = round(x log2 e) by the add-and-subtract-1.5*2^23 trick: SSE2 arithmetic (a
        // `rounded()` call is not vectorised on baseline x86-64), and n sits in t's low bits.
        let t = x * 1.44269504088896341 + 12582912
        let fx = t - 12582912
        let r = x - fx * 0.693359375 + fx * 2.12194440e-4
        let z = r * r
        var y: Float = 1.9875691500e-4
        y = y * r + 1.3981999507e-3
        y = y * r + 8.3334519073e-3
        y = y * r + 4.1665795894e-2
        y = y * r + 1.6666665459e-1
        y = y * r + 5.0000001201e-1
        y = y * z + r + 1
        let n = Int32(bitPattern: t.bitPattern) &- 0x4B40_0000
        let e = y * Float(bitPattern: UInt32(bitPattern: n &+ 127) &<< 23)
        return v != v ? v : e  // NaN (a compare the vectoriser maps to a lane mask)
    }

    /// `e^x` for `x <= 0` with arguments below -87 (and -inf) giving exactly 0: the softmax
    /// exponent, where masked (-inf) entries must vanish.
    @inlinable @inline(__always)
    public static func expNonPositive(_ v: Float) -> Float {
        let e = exp(v)
        return v < -87 ? 0 : e
    }

    /// Logistic sigmoid `1 / (1 + e^-x)`.
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    /// Gauss error function (rational approximation, ~4e-7 absolute error).
    @inlinable @inline(__always)
    public static func erf(_ v: Float) -> Float {
        var x = v > 4 ? 4 : v
        x = x < -4 ? -4 : x
        let x2 = x * x
        var num = x2 * -2.72614225801306e-10 + 2.77068142495902e-08
        num = x2 * num + -2.10102402082508e-06
        num = x2 * num + -5.69250639462346e-05
        num = x2 * num + -7.34990630326855e-04
        num = x2 * num + -2.95459980854025e-03
        num = x2 * num + -1.60960333262415e-02
        num = x * num
        var den = x2 * -1.45660718464996e-05 + -2.13374055278905e-04
        den = x2 * den + -1.68282697438203e-03
        den = x2 * den + -7.37332916720468e-03
        den = x2 * den + -1.42647390514189e-02
        return num / den
    }

    /// GELU, erf form: `x Phi(x) = 0.5 x (1 + erf(x / sqrt 2))`.
    @inlinable @inline(__always)
    public static func gelu(_ x: Float) -> Float { 0.5 * x * (1 + erf(x * 0.70710678118654752)) }

    /// d/dx [x Phi(x)] = Phi(x) + x phi(x).
    @inlinable @inline(__always)
    public static func geluDerivative(_ x: Float) -> Float {
        let cdf = 0.5 * (1 + erf(x * 0.70710678118654752))
        let pdf = 0.39894228040143268 * expNonPositive(-0.5 * x * x)
        return cdf + x * pdf
    }

    /// `tanh(x)` as `1 - 2 / (1 + e^(2x))` with the clamped `exp`: +-1 at the ends, about 1e-7
    /// absolute error near 0 (the cancellation in `1 - ...`), which the GELU's `0.5 x` factor
    /// makes negligible.
    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float { 1 - 2 / (1 + exp(2 * x)) }

    /// GELU, tanh approximation (GPT-2's `gelu_new`): `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`.
    @inlinable @inline(__always)
    public static func geluTanh(_ x: Float) -> Float {
        0.5 * x * (1 + tanh(0.79788456080286536 * (x + 0.044715 * x * x * x)))
    }

    /// d/dx of `geluTanh`: `0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)`.
    @inlinable @inline(__always)
    public static func geluTanhDerivative(_ x: Float) -> Float {
        let t = tanh(0.79788456080286536 * (x + 0.044715 * x * x * x))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * 0.79788456080286536 * (1 + 0.134145 * x * x)
    }

    /// QuickGELU `x sigmoid(1.702 x)` (CLIP).
    @inlinable @inline(__always)
    public static func quickGelu(_ x: Float) -> Float { x / (1 + exp(-1.702 * x)) }

    /// d/dx [x s(1.702x)] = s + 1.702 x s (1 - s).
    @inlinable @inline(__always)
    public static func quickGeluDerivative(_ x: Float) -> Float {
        let s = sigmoid(1.702 * x)
        return s + 1.702 * x * s * (1 - s)
    }

    // MARK: In-place loops over contiguous buffers (the frozen inference kernels)

    /// `e^x` (clamped as `exp(_:)`) for `count` floats in place.
    public static func exp(_ p: UnsafeMutablePointer<Float>, count n: Int) {
        for j in 0..<n { p[j] = exp(p[j]) }
    }

    // The activations and the softmax exponent of the frozen kernels run in C (`CKernels`),
    // which is built for AVX-512 and AVX2 beside baseline x86-64 and computes the same
    // arithmetic as the functions above, bit for bit (FastMathKernelTests): the width of the
    // CPU's vectors changes the speed, not the numbers. They were ~7 % of HTSAT's time at SSE
    // width.

    /// GELU of `count` floats in place.
    public static func gelu(_ p: UnsafeMutablePointer<Float>, count n: Int) { palm_gelu_f32(p, n) }

    /// GELU (tanh approximation) of `count` floats in place.
    public static func geluTanh(_ p: UnsafeMutablePointer<Float>, count n: Int) { palm_gelu_tanh_f32(p, n) }

    /// QuickGELU of `count` floats in place.
    public static func quickGelu(_ p: UnsafeMutablePointer<Float>, count n: Int) { palm_quick_gelu_f32(p, n) }

    /// The instruction set the C kernels run with here.
    public static var kernelInstructionSet: String {
        switch Int(palm_kernels_isa()) {
        case Int(PALM_ISA_AVX512): "AVX-512"
        case Int(PALM_ISA_AVX2): "AVX2"
        default: "baseline x86-64"
        }
    }

    /// Stable softmax of one row of `count` values in place. A row whose values are all -inf
    /// becomes NaN (as in PyTorch).
    public static func softmaxRow(_ p: UnsafeMutablePointer<Float>, count n: Int) {
        guard n > 0 else { return }
        var m = p[0]
        for j in 1..<n { m = p[j] > m ? p[j] : m }
        if m == -.infinity { m = 0 }
        palm_exp_shifted_f32(p, n, m)
        let inv = 1 / VectorKernels.sum(p, n)
        for j in 0..<n { p[j] *= inv }
    }
}
