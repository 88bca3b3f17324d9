import Foundation
import Tensor

/// White, pink and brown noise drawn from a clip's generator, each scaled to unit RMS (the
/// SNR mix rescales it anyway; unit RMS keeps the float values in a sensible range).
///
/// The coloured spectra stop rising below `cornerHz` (20 Hz): a true 1/f or 1/f^2 spectrum
/// down to the clip's lowest bin (0.1 Hz for 10 s) would put much of the noise power in
/// inaudible drift, so the same SNR would mask far less audible signal than white noise does.
enum ColouredNoise {
    /// Below this frequency the coloured spectra are flat.
    static let cornerHz = 20.0

    /// Gaussian white noise, `count` standard normal draws.
    static func white(count: Int, generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in generator.normal() }
    }

    /// Pink noise: white noise shaped in the frequency domain by `1 / sqrt(max(f, 20 Hz))` in
    /// amplitude (power `1/f`), DC removed. One transform of the next fast size above `count`;
    /// the first `count` samples are kept.
    static func pink(count: Int, sampleRate: Int, generator: inout SeededGenerator) -> [Float] {
        if count == 0 { return [] }
        let n = FFTConvolution.fastSize(atLeast: count)
        let spectrum = FFTConvolution.spectrum(white(count: n, generator: &generator), size: n)
        let p = spectrum.real
        let binHz = Double(sampleRate) / Double(n)
        p[0] = 0
        p[1] = 0
        for k in 1...(n / 2) {
            let g = Float(1 / max(Double(k) * binHz, cornerHz).squareRoot())
            p[2 * k] *= g
            p[2 * k + 1] *= g
        }
        return unitRMS(FFTConvolution.inverse(spectrum, size: n, count: count))
    }

    /// Brown noise: white noise through a leaky integrator `y[i] = a y[i-1] + w[i]` with
    /// `a = exp(-2 pi 20 Hz / sampleRate)` (power `1/f^2` above 20 Hz, flat below, so it
    /// cannot drift away), started from its stationary spread so the clip has no fade-in;
    /// mean removed.
    static func brown(count: Int, sampleRate: Int, generator: inout SeededGenerator) -> [Float] {
        if count == 0 { return [] }
        let a = exp(-2 * Double.pi * cornerHz / Double(sampleRate))
        var y = Double(generator.normal()) / (1 - a * a).squareRoot()
        var out = [Float](repeating: 0, count: count)
        out[0] = Float(y)
        for i in 1..<count {
            y = a * y + Double(generator.normal())
            out[i] = Float(y)
        }
        let mean = out.reduce(0.0) { $0 + Double($1) } / Double(count)
        for i in 0..<count { out[i] -= Float(mean) }
        return unitRMS(out)
    }

    /// `x` divided by its RMS (unchanged when silent).
    static func unitRMS(_ x: [Float]) -> [Float] {
        let ms = x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, x.count))
        if ms == 0 { return x }
        let g = Float(1 / ms.squareRoot())
        return x.map { $0 * g }
    }
}
