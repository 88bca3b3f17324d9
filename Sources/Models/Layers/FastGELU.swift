// GELU for the frozen (no-tape) inference passes, in a loop the compiler vectorises.
//
// `gelu(x) = 0.5 x (1 + erf(x / sqrt 2))` with erf from the rational minimax approximation that
// Eigen (`generic_fast_erf_float`) and XLA use for float: inputs clamped to [-4, 4] (erf is
// +-1 in float beyond), an odd degree-13 numerator over an even degree-8 denominator. Max error
// against the exact erf is ~4e-7 (tested), below float resolution near +-1; libm's scalar
// `erff` was 12% of the whole HTSAT forward. The tape path keeps Tensor's exact `gelu()`.

enum FastGELU {
    /// GELU of `count` floats in place. A plain loop of selects and arithmetic, so the optimiser
    /// vectorises it (SIMD8 with generic clamping was not inlined).
    static func apply(_ p: UnsafeMutablePointer<Float>, count n: Int) {
        for j in 0..<n {
            let v = p[j]
            var x = v * 0.70710678118654752
            x = x > 4 ? 4 : x
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
            p[j] = 0.5 * v * (1 + num / den)
        }
    }
}

/// Test access to the frozen-path elementwise kernels (which stay internal to the inference passes).
public enum FrozenPathKernels {
    /// GELU of `count` floats in place, as the frozen MLPs compute it.
    public static func gelu(_ p: UnsafeMutablePointer<Float>, count: Int) { FastGELU.apply(p, count: count) }
    /// `e^x` in place, as the frozen attention softmax computes it.
    public static func exp(_ p: UnsafeMutablePointer<Float>, count: Int) { FastSoftmax.exp(p, count: count) }
}
