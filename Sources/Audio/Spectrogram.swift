import Foundation

/// How `center=True` pads the signal by `nFFT / 2` on each side.
public enum PadMode: String, Codable, Hashable, Sendable {
    /// Mirror without repeating the edge sample (`x[1], x[2], ...`): torch/torchlibrosa
    /// `reflect`, PENGI's front-end.
    case reflect
    /// Zeros: librosa >= 0.10 `pad_mode="constant"`, the aisfx front-end.
    case zero
}

/// Short-time Fourier transform parameters (window length = `nFFT`, periodic Hann window).
public struct STFTConfig: Codable, Hashable, Sendable {
    /// FFT and window length.
    public var nFFT: Int
    /// Samples between frame starts.
    public var hop: Int
    /// Pad `nFFT / 2` on both sides so frame `t` is centred on sample `t * hop`.
    public var center: Bool
    /// Padding used when `center` is true.
    public var padMode: PadMode
    /// Exponent applied to the magnitude: 2 gives power `re^2 + im^2`, 1 magnitude.
    public var power: Double

    public init(nFFT: Int, hop: Int, center: Bool = true, padMode: PadMode = .reflect, power: Double = 2) {
        self.nFFT = nFFT
        self.hop = hop
        self.center = center
        self.padMode = padMode
        self.power = power
    }

    /// Frequency bins per frame: `nFFT / 2 + 1`.
    public var bins: Int { nFFT / 2 + 1 }

    /// Frames for `length` samples: `1 + length / hop` when centred, else
    /// `1 + (length - nFFT) / hop` (0 when the signal is shorter than a window).
    public func frameCount(_ length: Int) -> Int {
        if center { return 1 + length / hop }
        return length < nFFT ? 0 : 1 + (length - nFFT) / hop
    }
}

/// The periodic Hann window `w[n] = 0.5 - 0.5 cos(2 pi n / N)`, computed in float64 and rounded
/// to float32 (scipy `get_window('hann', N, fftbins=True)`, `torch.hann_window(N)`).
public func periodicHannWindow(_ n: Int) -> [Float] {
    (0..<n).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n))) }
}

/// A power (or magnitude) spectrogram through FFTW: frames of `nFFT` samples, periodic Hann
/// window, `[frames, bins]` row-major output.
///
/// Matches torchlibrosa's `Spectrogram` (conv1d with a windowed DFT matrix) and
/// `librosa.stft`, up to float32 rounding: FFTW's error is about 1e-7 of the frame's energy,
/// so bins far below the frame's loudest (more than ~100 dB down) carry relative errors that
/// show up in dB; see the golden tests.
public struct PowerSpectrogram: Sendable {
    /// The transform parameters.
    public let config: STFTConfig
    /// The analysis window.
    public let window: [Float]
    private let plan: RealFFTPlan

    public init(config: STFTConfig) {
        precondition(config.nFFT > 1 && config.hop > 0, "STFT needs nFFT > 1 and hop > 0")
        self.config = config
        window = periodicHannWindow(config.nFFT)
        plan = RealFFTPlan.shared(size: config.nFFT)
    }

    /// The `nFFT / 2` samples of padding on each side of `x`, per `padMode` (reflect needs
    /// `x.count > nFFT / 2`).
    func padded(_ x: UnsafeBufferPointer<Float>) -> [Float] {
        let p = config.nFFT / 2
        let n = x.count
        var out = [Float](repeating: 0, count: n + 2 * p)
        out.withUnsafeMutableBufferPointer { o in
            o.baseAddress!.advanced(by: p).update(from: x.baseAddress!, count: n)
            if config.padMode == .reflect {
                for i in 0..<p {
                    o[p - 1 - i] = x[i + 1]          // left: x[p], ..., x[1]
                    o[p + n + i] = x[n - 2 - i]      // right: x[n-2], ..., x[n-1-p]
                }
            }
        }
        return out
    }

    /// The spectrogram of `x`: `frames * bins` values, frame-major.
    public func callAsFunction(_ x: [Float]) -> (frames: Int, bins: Int, values: [Float]) {
        let frames = config.frameCount(x.count)
        let bins = config.bins
        var out = [Float](repeating: 0, count: frames * bins)
        out.withUnsafeMutableBufferPointer { o in
            forEachFrame(x) { t, row in (o.baseAddress! + t * bins).update(from: row, count: bins) }
        }
        return (frames, bins, out)
    }

    /// Mel energies of `x` without storing the whole spectrogram: each frame's power row is
    /// projected by `filterbank` as soon as it is computed. `[frames, nMels]`.
    public func melSpectrogram(_ x: [Float], filterbank: MelFilterbank) -> (frames: Int, values: [Float]) {
        precondition(filterbank.bins == config.bins, "filterbank built for another nFFT")
        let frames = config.frameCount(x.count)
        let n = filterbank.config.nMels
        var out = [Float](repeating: 0, count: frames * n)
        out.withUnsafeMutableBufferPointer { o in
            forEachFrame(x) { t, row in filterbank.apply(row: row, into: o.baseAddress! + t * n) }
        }
        return (frames, out)
    }

    /// Calls `body(t, row)` for every frame `t` with its `bins` power values (valid only
    /// during the call).
    func forEachFrame(_ x: [Float], _ body: (Int, UnsafePointer<Float>) -> Void) {
        let frames = config.frameCount(x.count)
        let bins = config.bins
        let n = config.nFFT
        if config.center && config.padMode == .reflect {
            precondition(x.count > n / 2, "reflect padding needs more than nFFT/2 = \(n / 2) samples, got \(x.count)")
        }
        let signal = config.center ? x.withUnsafeBufferPointer { padded($0) } : x
        let input = FFTBuffer(realCount: n)
        let output = FFTBuffer(complexCount: bins)
        let row = UnsafeMutablePointer<Float>.allocate(capacity: bins)
        defer { row.deallocate() }
        let inp = input.real, spec = output.real
        let generalPower = config.power != 2
        let exponent = Float(config.power / 2)
        signal.withUnsafeBufferPointer { s in
            window.withUnsafeBufferPointer { w in
                for t in 0..<frames {
                    let base = s.baseAddress! + t * config.hop
                    for i in 0..<n { inp[i] = base[i] * w[i] }
                    plan.execute(input, output)
                    for k in 0..<bins {
                        let re = spec[2 * k], im = spec[2 * k + 1]
                        let p = re * re + im * im
                        row[k] = generalPower ? powf(p, exponent) : p
                    }
                    body(t, row)
                }
            }
        }
    }
}
