import Foundation

/// Reverberation by convolution with a recorded (or synthetic) impulse response.
enum Reverb {
    /// `(1 - wet) x + wet (x * h)`, cut to `x.count`, with `h` the impulse response of the file
    /// `impulseResponse` at `sampleRate` scaled to unit energy (`sum h^2 = 1`), so the
    /// reverberant signal keeps roughly the clip's level whatever the recording's gain. The
    /// convolution runs through FFTW (`FFTConvolution`).
    static func apply(_ x: [Float], sampleRate: Int, impulseResponse path: String, wet: Double) throws(AudioError) -> [Float] {
        if x.isEmpty { return x }
        let h = try impulseResponse(path, sampleRate: sampleRate)
        let reverberant = FFTConvolution.convolve(x, h, count: x.count)
        if wet == 1 { return reverberant }
        let w = Float(wet), d = Float(1 - wet)
        return zip(x, reverberant).map { d * $0 + w * $1 }
    }

    /// The impulse response of the file at `path`: mono (channels averaged), at `sampleRate`,
    /// unit energy. An all-zero response is an error naming the file.
    static func impulseResponse(_ path: String, sampleRate: Int) throws(AudioError) -> [Float] {
        let h = try MonoAudioCache.shared.samples(path, sampleRate: sampleRate)
        let energy = h.reduce(0.0) { $0 + Double($1) * Double($1) }
        if !(energy > 0) { throw .invalidParameter(path: path, reason: "the impulse response is silent (all samples zero)") }
        let g = Float(1 / energy.squareRoot())
        return h.map { $0 * g }
    }
}
