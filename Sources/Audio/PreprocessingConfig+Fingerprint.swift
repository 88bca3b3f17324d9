import Foundation
import Tensor
extension PreprocessingConfig {
    /// A canonical one-line text of every parameter, in a fixed order with fixed names
    /// (`v1;sr=44100;ch=concat;...`), ending `;perturb=noise:snr=10,source=pink,seed=0` when a
    /// perturbation is set. Doubles print in Swift's shortest round-trip form, which
    /// is exact and identical on every platform.
    public var canonicalDescription: String {
        var parts = ["v1", "sr=\(sampleRate)", "ch=\(channels.rawValue)",
                     "rs.lpw=\(resampleLowpassWidth)", "rs.rolloff=\(resampleRolloff)",
                     "peak=\(peakNormalize)"]
        if let c = clip {
            parts += ["clip=\(c.length)", "crop=\(c.crop.rawValue)"]
            // Written only when not the original tiling, so earlier presets keep their fingerprints.
            if c.fill != .tile { parts.append("fill=\(c.fill.rawValue)") }
        } else {
            parts.append("clip=none")
        }
        parts.append("seed=\(cropSeed)")
        parts += ["nfft=\(stft.nFFT)", "hop=\(stft.hop)", "center=\(stft.center)", "pad=\(stft.padMode.rawValue)",
                  "power=\(stft.power)", "window=hann-periodic"]
        parts += ["mel.sr=\(mel.sampleRate)", "mel.n=\(mel.nMels)", "mel.fmin=\(mel.fMin)", "mel.fmax=\(mel.fMax)",
                  "mel.scale=\(mel.scale.rawValue)", "mel.norm=\(mel.norm.rawValue)"]
        switch compression {
        case .decibels(let amin, let ref): parts.append("log=db(amin=\(amin),ref=\(ref))")
        case .log10Plus(let scale, let divisor): parts.append("log=log10plus(scale=\(scale),div=\(divisor))")
        }
        if let b = blocks { parts.append("blocks=\(b.frames)/\(b.hop)") } else { parts.append("blocks=none") }
        // Appended only when set, so every fingerprint made before perturbations stays valid.
        // "perturb2": perturbed before a peak normalisation (see `Preprocessor.clip`); features
        // cached while it came after it are not reused.
        // Likewise written only when set.
        if let q = quantization { parts.append("quant=\(q.rawValue)") }
        if let p = perturbation { parts.append("perturb2=\(p.description)" + Self.impulseResponseIdentity(p)) }
        return parts.joined(separator: ";")
    }

    /// A reverb's impulse response is named by its path in the description; its size and
    /// modification time join the fingerprint so that replacing the file at the same path
    /// never reuses features computed with the old one ("" for other kinds, or a missing file,
    /// which the perturbation refuses when applied).
    static func impulseResponseIdentity(_ p: Perturbation) -> String {
        guard case .reverb(let path, _) = p.kind, let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber, let date = attributes[.modificationDate] as? Date else { return "" }
        return ",ir.size=\(size.int64Value),ir.mtime=\(Int64((date.timeIntervalSince1970 * 1e6).rounded()))"
    }

    /// 16 hex digits: FNV-1a 64 of the UTF-8 bytes of `canonicalDescription`. Stable across
    /// runs, machines and Swift versions (unlike `hashValue`, which is seeded per process).
    /// It changes whenever any parameter changes; bump the `v1` tag if the front-end's
    /// arithmetic changes without a parameter changing.
    public var fingerprint: String {
        let h = FNV1a64.hash(canonicalDescription)
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

