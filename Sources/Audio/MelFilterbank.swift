import Foundation

/// Which Hz <-> mel mapping a filterbank uses.
public enum MelScale: String, Codable, Hashable, Sendable {
    /// Slaney's Auditory Toolbox scale (librosa `htk=False`): linear below 1 kHz
    /// (`mel = 3 f / 200`), logarithmic above (`15 + 27 ln(f / 1000) / ln 6.4`).
    case slaney
    /// HTK: `mel = 2595 log10(1 + f / 700)`.
    case htk

    /// Hz to mel (librosa `hz_to_mel`).
    public func mel(hz f: Double) -> Double {
        switch self {
        case .htk: return 2595 * log10(1 + f / 700)
        case .slaney:
            let fSp = 200.0 / 3
            let minLogHz = 1000.0, minLogMel = minLogHz / fSp, logStep = log(6.4) / 27
            return f >= minLogHz ? minLogMel + log(f / minLogHz) / logStep : f / fSp
        }
    }

    /// Mel to Hz (librosa `mel_to_hz`).
    public func hz(mel m: Double) -> Double {
        switch self {
        case .htk: return 700 * (pow(10, m / 2595) - 1)
        case .slaney:
            let fSp = 200.0 / 3
            let minLogHz = 1000.0, minLogMel = minLogHz / fSp, logStep = log(6.4) / 27
            return m >= minLogMel ? minLogHz * exp(logStep * (m - minLogMel)) : fSp * m
        }
    }
}

/// How each triangular filter is scaled.
public enum MelNorm: String, Codable, Hashable, Sendable {
    /// No scaling (peak 1).
    case none
    /// Slaney area normalisation: filter `m` times `2 / (f[m+2] - f[m])` (librosa `norm="slaney"`).
    case slaney
    /// Each filter divided by the sum of its weights (librosa `norm=1`, the aisfx front-end).
    case unitSum
}

/// Mel filterbank parameters. `sampleRate` is the rate the filterbank *believes* the audio has;
/// it sets the FFT bin frequencies `k * sampleRate / nFFT`.
public struct MelConfig: Codable, Hashable, Sendable {
    /// Sample rate used for bin frequencies (**quirk**: PENGI passes 32000 for 44.1 kHz audio).
    public var sampleRate: Double
    /// Number of mel bands.
    public var nMels: Int
    /// Lowest band edge in Hz.
    public var fMin: Double
    /// Highest band edge in Hz.
    public var fMax: Double
    /// Hz <-> mel mapping.
    public var scale: MelScale
    /// Filter scaling.
    public var norm: MelNorm

    public init(sampleRate: Double, nMels: Int, fMin: Double, fMax: Double, scale: MelScale, norm: MelNorm) {
        self.sampleRate = sampleRate
        self.nMels = nMels
        self.fMin = fMin
        self.fMax = fMax
        self.scale = scale
        self.norm = norm
    }
}

/// A librosa-compatible mel filterbank (`librosa.filters.mel`, librosa 0.8-0.11), stored
/// sparsely: each band keeps only its non-zero run of FFT bins.
///
/// Construction follows librosa step by step in float64 (`fft_frequencies` via numpy's
/// `rfftfreq`, `mel_frequencies` via `linspace` in mel, triangular ramps
/// `max(0, min(-ramp[m] / fdiff[m], ramp[m+2] / fdiff[m+1]))`), stores float32 like librosa's
/// default dtype, then normalises, so the weights match librosa to the last float32 bit or one
/// ulp.
public struct MelFilterbank: Sendable {
    /// The parameters.
    public let config: MelConfig
    /// FFT bins per frame (`nFFT / 2 + 1`).
    public let bins: Int
    /// Dense weights `[nMels, bins]`, row-major (for export and tests).
    public let weights: [Float]
    /// For band `m`, the half-open range of bins with non-zero weight.
    let ranges: [Range<Int>]

    /// Builds the filterbank for an `nFFT`-point FFT.
    public init(config: MelConfig, nFFT: Int) {
        self.config = config
        let bins = nFFT / 2 + 1
        self.bins = bins
        let n = config.nMels
        // numpy.fft.rfftfreq(n_fft, d=1/sr): k * (1 / (n_fft * d)).
        let d = 1.0 / config.sampleRate
        let val = 1.0 / (Double(nFFT) * d)
        let fftFreqs = (0..<bins).map { Double($0) * val }
        // numpy.linspace(min_mel, max_mel, n + 2): start + i * step, last = stop exactly.
        let minMel = config.scale.mel(hz: config.fMin), maxMel = config.scale.mel(hz: config.fMax)
        let count = n + 2
        let step = (maxMel - minMel) / Double(count - 1)
        var mels = (0..<count).map { Double($0) * step + minMel }
        mels[count - 1] = maxMel
        let melF = mels.map { config.scale.hz(mel: $0) }
        var w = [Float](repeating: 0, count: n * bins)
        for m in 0..<n {
            let fdiffLo = melF[m + 1] - melF[m], fdiffHi = melF[m + 2] - melF[m + 1]
            for k in 0..<bins {
                let lower = -(melF[m] - fftFreqs[k]) / fdiffLo
                let upper = (melF[m + 2] - fftFreqs[k]) / fdiffHi
                w[m * bins + k] = Float(max(0, min(lower, upper)))
            }
        }
        switch config.norm {
        case .none: break
        case .slaney:
            for m in 0..<n {
                let enorm = 2.0 / (melF[m + 2] - melF[m])
                for k in 0..<bins { w[m * bins + k] = Float(Double(w[m * bins + k]) * enorm) }
            }
        case .unitSum:
            // librosa.util.normalize(norm=1, axis=-1) on the float32 rows: sum in float32
            // (numpy's pairwise sum), divide; an all-zero row stays zero.
            for m in 0..<n {
                let row = Array(w[m * bins..<(m + 1) * bins])
                let s = pairwiseSum(row.map { abs($0) })
                if s > Float.leastNormalMagnitude { for k in 0..<bins { w[m * bins + k] = row[k] / s } }
            }
        }
        weights = w
        ranges = (0..<n).map { m in
            let row = w[m * bins..<(m + 1) * bins]
            guard let lo = row.firstIndex(where: { $0 != 0 }), let hi = row.lastIndex(where: { $0 != 0 }) else { return 0..<0 }
            return (lo - m * bins)..<(hi - m * bins + 1)
        }
    }

    /// One frame: `bins` power values in, `nMels` mel energies out.
    public func apply(row: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            for m in 0..<config.nMels {
                let r = ranges[m]
                let wm = w.baseAddress! + m * bins
                var acc: Float = 0
                for k in r { acc += row[k] * wm[k] }
                out[m] = acc
            }
        }
    }
}

/// numpy's pairwise summation (blocks of 8 partial sums below 128 elements), so float32 sums
/// round as numpy's do.
func pairwiseSum(_ a: [Float]) -> Float {
    func sum(_ lo: Int, _ n: Int) -> Float {
        if n < 8 {
            var r: Float = 0
            for i in 0..<n { r += a[lo + i] }
            return r
        } else if n <= 128 {
            var r = [Float](repeating: 0, count: 8)
            for j in 0..<8 { r[j] = a[lo + j] }
            var i = 8
            while i < n - (n % 8) {
                for j in 0..<8 { r[j] += a[lo + i + j] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { res += a[lo + i]; i += 1 }
            return res
        } else {
            var n2 = n / 2
            n2 -= n2 % 8
            return sum(lo, n2) + sum(lo + n2, n - n2)
        }
    }
    return sum(0, a.count)
}
