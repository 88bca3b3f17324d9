extension PreprocessingConfig {
    /// The first problem that would make this config crash or produce garbage, or nil.
    /// (The Audio target compiles with `-Ounchecked`, so bad parameters must be caught here
    /// rather than by preconditions deep in the kernels.)
    public var problem: String? {
        if sampleRate <= 0 { return "sampleRate must be positive (got \(sampleRate))" }
        if resampleLowpassWidth <= 0 { return "resampleLowpassWidth must be positive" }
        if !(resampleRolloff > 0 && resampleRolloff <= 1) { return "resampleRolloff must be in (0, 1]" }
        if let c = clip, c.length <= 0 { return "clip length must be positive" }
        if stft.nFFT < 2 || stft.hop <= 0 { return "STFT needs nFFT >= 2 and hop > 0" }
        if !(stft.power > 0) { return "STFT power must be positive" }
        if let c = clip, stft.center, stft.padMode == .reflect, c.length <= stft.nFFT / 2 {
            return "reflect padding needs clips longer than nFFT/2"
        }
        if mel.nMels <= 0 { return "nMels must be positive" }
        if !(mel.sampleRate > 0) { return "mel sampleRate must be positive" }
        if !(mel.fMin >= 0 && mel.fMin < mel.fMax) { return "mel needs 0 <= fMin < fMax" }
        if let b = blocks, b.frames <= 0 || b.hop <= 0 { return "blocks need positive frames and hop" }
        if clip?.crop == .fusion, blocks != nil { return "fusion input (crop fusion) cannot be cut into frame blocks" }
        if case .decibels(let amin, _) = compression, !(amin > 0) { return "amin must be positive" }
        if let p = perturbation, let why = p.problem(sampleRate: sampleRate) { return "perturbation \(p): \(why)" }
        return nil
    }
}
