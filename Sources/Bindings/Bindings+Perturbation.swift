import Audio
import Foundation
import ScriptCore
import Tensor

// Test-audio perturbations in scripts: `perturb(samples, "noise:snr=10,source=pink")` applies
// one to a clip (a 1-d tensor of samples), and `experiment(..., perturb: [...])` evaluates every
// cell under each level of a sweep.

extension Interpreter {
    func installPerturbationBindings() {
        builtin("perturb", "Perturbs a clip (a 1-d tensor of samples at `rate`): noise:snr=DB[,source=white|pink|brown|folder:PATH][,seed=N], gain:db=DB, shift:seconds=S, resample:rate=HZ, codec:format=mp3|vorbis[,quality=Q], reverb:ir=FILE[,wet=W]. A sweep (snr=20,10,0) gives a list, one clip per level. The seed and `name` (the file name) pick the per-clip randomness, as in a grid.",
                [Param("samples", "1-d tensor of samples"), Param("spec", "the perturbation"), Param("rate", "sample rate in Hz", default: "16000"),
                 Param("name", "the clip's file name (seeds its noise)", default: "\"clip.wav\"")],
                returns: "tensor, or a list of tensors for a sweep") { args, _ in
            let x = try args.value(0).asTensor("perturb argument 'samples'")
            guard x.rank == 1 else { throw ScriptError.runtime("perturb: samples must be a 1-d tensor, found shape \(x.shape)") }
            let rate = try args.int(2, default: 16000)
            let name = try args[3].map { try $0.asString("perturb argument 'name'") } ?? "clip.wav"
            let levels: [Perturbation]
            do { levels = try Perturbation.sweep(try args.string(1)) } catch { throw ScriptError.runtime("perturb: \(error)") }
            let samples = x.contiguous().toArray()
            var out: [Value] = []
            for p in levels {
                if let problem = p.problem(sampleRate: rate) { throw ScriptError.runtime("perturb: \(p): \(problem)") }
                do {
                    out.append(.tensor(try Tensor(try p.apply(samples, sampleRate: rate, path: name), shape: [samples.count])))
                } catch { throw ScriptError.runtime("perturb: \(error)") }
            }
            return out.count == 1 ? out[0] : .list(out)
        }
    }

    /// `experiment`'s `perturb` argument: sweeps, each level once.
    static func perturbations(_ value: Value?) throws -> [Perturbation] {
        guard let value else { return [] }
        var out: [Perturbation] = [], seen = Set<String>()
        for spec in try value.asList("experiment argument 'perturb'").map({ try $0.asString("perturb item") }) {
            let levels: [Perturbation]
            do { levels = try Perturbation.sweep(spec) } catch { throw ScriptError.runtime("experiment: \(error)") }
            for p in levels where seen.insert(p.description).inserted { out.append(p) }
        }
        return out
    }
}
