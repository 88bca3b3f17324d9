extension Perturbation {
    /// The canonical text, stable across runs and machines because feature caches are keyed on
    /// it: `KIND:key=value,...` with keys in a fixed order and the spelling `sweep` reads.
    ///
    ///     noise:snr=10,source=pink,seed=0     gain:db=-6       shift:seconds=0.25
    ///     resample:rate=8000                  codec:format=mp3,quality=0.5
    ///     reverb:ir=/data/irs/hall.wav,wet=1
    ///
    /// Numbers print the shortest way that reads back exactly (`20`, `-2.5`, `0.1`). The seed
    /// appears only where it changes the audio (`isSeeded`). A `.files` noise source prints its
    /// label and a hash of its files (see `NoiseSource.description`).
    public var description: String {
        switch kind {
        case .noise(let source, let snr):
            return "noise:snr=\(Self.number(snr)),source=\(source),seed=\(seed)"
        case .gain(let db):
            return "gain:db=\(Self.number(db))"
        case .shift(let seconds):
            return "shift:seconds=\(Self.number(seconds))"
        case .resample(let rate):
            return "resample:rate=\(rate)"
        case .codec(let format, let quality):
            return "codec:format=\(format.rawValue),quality=\(Self.number(quality))"
        case .reverb(let path, let wet):
            return "reverb:ir=\(path),wet=\(Self.number(wet))"
        }
    }

    /// `v` with no trailing `.0` when it is a whole number, otherwise Swift's shortest
    /// round-trip form (identical on every platform); `-0` prints as `0`.
    static func number(_ v: Double) -> String {
        if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}
