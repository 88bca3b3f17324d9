// Row softmax for the frozen attention kernels, with an exp the compiler can vectorise.
//
// exp is Cephes' `expf` (the scheme SLEEF/PyTorch's vectorised exp also follow): x = n ln2 + r
// with n = round(x log2 e) and ln2 split in two for exactness, a degree-6 polynomial for e^r,
// then 2^n from the exponent bits. About 1 ulp. Inputs are clamped to [-87, 88] so 2^n stays a
// normal float; softmax arguments are `x - max <= 0`, and anything below -87 contributes
// < 1e-37 of the row sum, so the clamp does not change a result. libm's scalar `expf` was ~5%
// of the HTSAT forward.

enum FastSoftmax {
    /// `e^x` for `count` values in place.
    @inline(__always)
    static func exp(_ p: UnsafeMutablePointer<Float>, count n: Int) {
        for j in 0..<n {
            var x = p[j]
            x = x > 88 ? 88 : x
            x = x < -87 ? -87 : x
            let fx = (x * 1.44269504088896341 + 0.5).rounded(.down)
            let r = x - fx * 0.693359375 + fx * 2.12194440e-4
            let z = r * r
            var y: Float = 1.9875691500e-4
            y = y * r + 1.3981999507e-3
            y = y * r + 8.3334519073e-3
            y = y * r + 4.1665795894e-2
            y = y * r + 1.6666665459e-1
            y = y * r + 5.0000001201e-1
            y = y * z + r + 1
            p[j] = y * Float(bitPattern: UInt32(bitPattern: Int32(fx) + 127) << 23)
        }
    }

    /// Softmax of one row of `count` finite values in place.
    @inline(__always)
    static func row(_ p: UnsafeMutablePointer<Float>, count n: Int) {
        var mx = p[0]
        for j in 1..<n { mx = p[j] > mx ? p[j] : mx }
        for j in 0..<n { p[j] -= mx }
        exp(p, count: n)
        var sum: Float = 0
        for j in 0..<n { sum += p[j] }
        let inv = 1 / sum
        for j in 0..<n { p[j] *= inv }
    }
}
