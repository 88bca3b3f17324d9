import Foundation

/// Adding noise at a measured SNR.
enum NoiseMix {
    /// `clean + g * noise`, with `g` chosen so that `10 log10(Ps / (g^2 Pn)) = snr` exactly,
    /// `Ps` and `Pn` the mean squares of `clean` and `noise` over the clean clip's active frames
    /// (`ActiveSignal`). A silent clip, or noise that is silent where the clip is active, is an
    /// error naming `path`: there is no level that would give the SNR asked for.
    static func mix(_ clean: [Float], noise: [Float], snr: Double, sampleRate: Int, path: String,
                    source: NoiseSource) throws(AudioError) -> [Float] {
        let frames = ActiveSignal.activeFrames(clean, sampleRate: sampleRate)
        if frames.isEmpty {
            throw .invalidParameter(path: path, reason: "no active signal to measure an SNR against (the clip is silent)")
        }
        let ps = ActiveSignal.meanSquare(clean, over: frames)
        let pn = ActiveSignal.meanSquare(noise, over: frames)
        if !(pn > 0) {
            throw .invalidParameter(path: path, reason: "noise from \(source) is silent over the clip's active signal")
        }
        let g = Float((ps / (pn * pow(10, snr / 10))).squareRoot())
        var out = clean
        for i in out.indices { out[i] += g * noise[i] }
        return out
    }
}
