import Foundation

extension Perturbation {
    /// The perturbed clip, the same length as `clip`. `clip` is mono samples at `sampleRate`;
    /// `path` is the clip's file: its name seeds the generator and errors name it.
    ///
    /// Errors: a `problem(sampleRate:)` (`.invalidParameter`); noise on a silent clip
    /// (`.invalidParameter`, "no active signal to measure an SNR against"); a codec this
    /// libsndfile cannot write (`.unsupportedFormat`); a noise or impulse-response file that
    /// cannot be decoded (the decoder's error, naming that file).
    public func apply(_ clip: [Float], sampleRate: Int, path: String) throws(AudioError) -> [Float] {
        if let p = problem(sampleRate: sampleRate) { throw .invalidParameter(path: path, reason: "perturbation \(self): \(p)") }
        switch kind {
        case .noise(let source, let snr):
            if clip.isEmpty { throw .zeroLength(path: path) }
            var g = generator(for: path)
            let noise = try source.samples(count: clip.count, sampleRate: sampleRate, generator: &g, path: path)
            return try NoiseMix.mix(clip, noise: noise, snr: snr, sampleRate: sampleRate, path: path, source: source)
        case .gain(let db):
            let a = Float(pow(10, db / 20))
            return clip.map { $0 * a }
        case .shift(let seconds):
            return Self.shifted(clip, by: Int((seconds * Double(sampleRate)).rounded()))
        case .resample(let rate):
            let down = Resampler(from: sampleRate, to: rate)(clip)
            var back = Resampler(from: rate, to: sampleRate)(down)
            // ceil() on each leg can add a sample or two; both resamplers are zero-phase, so
            // cutting the end keeps the clip aligned.
            if back.count > clip.count { back.removeLast(back.count - clip.count) }
            if back.count < clip.count { back.append(contentsOf: repeatElement(0, count: clip.count - back.count)) }
            return back
        case .codec(let format, let quality):
            return try CodecRoundTrip.apply(clip, sampleRate: sampleRate, format: format, quality: quality, path: path)
        case .reverb(let ir, let wet):
            return try Reverb.apply(clip, sampleRate: sampleRate, impulseResponse: ir, wet: wet)
        }
    }

    /// `x` delayed by `samples` (advanced when negative), zero-filled, same length.
    static func shifted(_ x: [Float], by samples: Int) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        let lo = max(0, samples), hi = min(x.count, x.count + samples)
        if hi > lo { for i in lo..<hi { out[i] = x[i - samples] } }
        return out
    }

    /// Why this perturbation cannot apply to clips at `sampleRate`, or nil: a non-finite
    /// number, a resampling rate not strictly between 0 and `sampleRate` (or needing an
    /// oversized kernel), a codec quality or wet mix outside 0...1, a codec this libsndfile
    /// cannot write at `sampleRate`, an empty list of noise files or impulse-response path.
    public func problem(sampleRate: Int) -> String? {
        switch kind {
        case .noise(let source, let snr):
            if !snr.isFinite { return "snr must be a finite number of dB (got \(snr))" }
            if case .files(let label, let paths) = source, paths.isEmpty { return "noise source \(label) holds no files" }
        case .gain(let db):
            if !db.isFinite { return "gain must be a finite number of dB (got \(db))" }
        case .shift(let seconds):
            if !seconds.isFinite || abs(seconds * Double(sampleRate)) > Double(Int32.max) {
                return "shift must be a finite number of seconds (got \(seconds))"
            }
        case .resample(let rate):
            if rate <= 0 || rate >= sampleRate {
                return "resample rate must be above 0 and below the clip's \(sampleRate) Hz (got \(rate))"
            }
            let floats = max(Resampler.kernelFloats(from: sampleRate, to: rate), Resampler.kernelFloats(from: rate, to: sampleRate))
            if floats > Resampler.maxKernelFloats {
                return "resampling \(sampleRate) Hz to \(rate) Hz needs a \(floats)-float kernel (gcd \(gcd(sampleRate, rate))); pick a rate sharing a larger factor with \(sampleRate)"
            }
        case .codec(let format, let quality):
            if !(0...1).contains(quality) { return "codec quality must be in 0...1 (got \(quality))" }
            if let p = CodecRoundTrip.problem(format: format, sampleRate: sampleRate) { return p }
        case .reverb(let ir, let wet):
            if !(0...1).contains(wet) { return "reverb wet mix must be in 0...1 (got \(wet))" }
            if ir.isEmpty { return "reverb needs the path of an impulse response file" }
        }
        return nil
    }
}
