// GELU for the frozen (no-tape) inference passes, vectorised 8 lanes at a time.
//
// `gelu(x) = 0.5 x (1 + erf(x / sqrt 2))` with erf from the rational minimax approximation that
// Eigen (`generic_fast_erf_float`) and XLA use for float: inputs clamped to [-4, 4] (erf is
// +-1 in float beyond), an odd degree-13 numerator over an even degree-8 denominator. Max error
// against the exact erf is ~4e-7 (tested), below float resolution near +-1; libm's scalar
// `erff` was 12% of the whole HTSAT forward. The tape path keeps Tensor's exact `gelu()`.

enum FastGELU {
    @inline(__always)
    static func erf(_ a: SIMD8<Float>) -> SIMD8<Float> {
        let x = a.clamped(lowerBound: SIMD8(repeating: -4), upperBound: SIMD8(repeating: 4))
        let x2 = x * x
        var p = x2 * -2.72614225801306e-10 + 2.77068142495902e-08
        p = x2 * p + -2.10102402082508e-06
        p = x2 * p + -5.69250639462346e-05
        p = x2 * p + -7.34990630326855e-04
        p = x2 * p + -2.95459980854025e-03
        p = x2 * p + -1.60960333262415e-02
        p = x * p
        var q = x2 * -1.45660718464996e-05 + -2.13374055278905e-04
        q = x2 * q + -1.68282697438203e-03
        q = x2 * q + -7.37332916720468e-03
        q = x2 * q + -1.42647390514189e-02
        return p / q
    }

    @inline(__always)
    static func gelu(_ x: SIMD8<Float>) -> SIMD8<Float> {
        0.5 * x * (1 + erf(x * 0.70710678118654752))
    }

    /// GELU of `count` floats in place.
    static func apply(_ p: UnsafeMutablePointer<Float>, count n: Int) {
        var j = 0
        while j + 8 <= n {
            let raw = UnsafeMutableRawPointer(p + j)
            raw.storeBytes(of: gelu(raw.loadUnaligned(as: SIMD8<Float>.self)), as: SIMD8<Float>.self)
            j += 8
        }
        if j < n {
            var tail = SIMD8<Float>(repeating: 0)
            for i in j..<n { tail[i - j] = p[i] }
            let g = gelu(tail)
            for i in j..<n { p[i] = g[i - j] }
        }
    }
}

/// Test access to the fused GELU (the kernel itself stays internal to the inference passes).
public enum FastGELUProbe {
    /// GELU of `count` floats in place, as the frozen MLPs compute it.
    public static func apply(_ p: UnsafeMutablePointer<Float>, count: Int) { FastGELU.apply(p, count: count) }
}
