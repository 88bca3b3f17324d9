/// Linear convolution and spectral shaping through FFTW real transforms: O(n log n), so a
/// one-second impulse response on a ten-second clip costs two forward FFTs and one inverse
/// of about half a million points instead of 2e10 multiply-adds.
enum FFTConvolution {
    /// The smallest transform size `>= n` of the form `m * 2^k` with `m` in
    /// {8, 9, 10, 12, 14, 15}: FFTW is fast on these (factors 2, 3, 5, 7), they waste at most
    /// a sixth of the size, and there are only six per octave, so the process-wide plan caches
    /// stay small however many clip lengths a run meets.
    static func fastSize(atLeast n: Int) -> Int {
        var scale = 1
        while true {
            for m in [8, 9, 10, 12, 14, 15] where m * scale >= n { return m * scale }
            scale *= 2
        }
    }

    /// The first `count` samples of the full linear convolution `x * h` (length
    /// `x.count + h.count - 1`), by multiplying spectra zero-padded past that length, so no
    /// circular wrap-around reaches the kept samples.
    ///
    /// Up to `blockSize(h.count)` output samples take one transform of the whole signal;
    /// longer signals (whole files of minutes) are cut into blocks and overlap-added, so memory
    /// stays a few times the impulse response however long the file is.
    static func convolve(_ x: [Float], _ h: [Float], count: Int) -> [Float] {
        if x.isEmpty || h.isEmpty || count == 0 { return [Float](repeating: 0, count: count) }
        let needed = min(count, x.count + h.count - 1)
        let block = blockSize(h.count)
        if needed <= block {
            let n = fastSize(atLeast: x.count + h.count - 1)
            let a = spectrum(x, size: n)
            multiply(a, by: spectrum(h, size: n), size: n)
            return inverse(a, size: n, count: count)
        }
        // Overlap-add: each block of `step` inputs convolves into `step + h.count - 1` outputs.
        let step = block - h.count + 1
        let filter = spectrum(h, size: block)
        var out = [Float](repeating: 0, count: count)
        var start = 0
        while start < min(x.count, needed) {
            let a = spectrum(Array(x[start..<min(start + step, x.count)]), size: block)
            multiply(a, by: filter, size: block)
            let y = inverse(a, size: block, count: block)
            for i in 0..<min(block, count - start) { out[start + i] += y[i] }
            start += step
        }
        return out
    }

    /// The transform size for overlap-add with an impulse response of `m` samples: eight
    /// times its length (so most of each block is new input), at least 2^18.
    static func blockSize(_ m: Int) -> Int {
        fastSize(atLeast: max(8 * m, 1 << 18))
    }

    /// `a *= b / size`, bin by bin (the `1 / size` undoes FFTW's unnormalised inverse).
    private static func multiply(_ a: FFTBuffer, by b: FFTBuffer, size: Int) {
        let scale = 1 / Float(size)
        let pa = a.real, pb = b.real
        for k in 0..<(size / 2 + 1) {
            let re = pa[2 * k] * pb[2 * k] - pa[2 * k + 1] * pb[2 * k + 1]
            let im = pa[2 * k] * pb[2 * k + 1] + pa[2 * k + 1] * pb[2 * k]
            pa[2 * k] = re * scale
            pa[2 * k + 1] = im * scale
        }
    }

    /// The spectrum (`size / 2 + 1` complex bins) of `x` zero-padded to `size`.
    static func spectrum(_ x: [Float], size: Int) -> FFTBuffer {
        let input = FFTBuffer(realCount: size)
        x.withUnsafeBufferPointer { input.real.update(from: $0.baseAddress!, count: min(x.count, size)) }
        let output = FFTBuffer(complexCount: size / 2 + 1)
        RealFFTPlan.shared(size: size).execute(input, output)
        return output
    }

    /// The first `count` samples of the inverse transform of `spectrum` (unnormalised; the
    /// spectrum is overwritten).
    static func inverse(_ spectrum: FFTBuffer, size: Int, count: Int) -> [Float] {
        let output = FFTBuffer(realCount: size)
        InverseRealFFTPlan.shared(size: size).execute(spectrum, output)
        let kept = min(count, size)
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: output.real, count: kept) }
        return out
    }
}
