import Audio
import Datasets
import Foundation
import Models
import ScriptCore
import Tensor

// Models and audio: `model(spec)` and each model kind's own builtin (`pengi(path)`,
// `pengi_random()`, `demo_alm()`), all loading through `ModelSpec`; the model's embedding
// entries; and `load_audio` / `logmel` for looking at what the encoder sees.

/// An audio-language model in a script: `embed_audio`, `embed_text`, `tokenize`, `dim`.
public final class ModelObject: HostObject {
    public let model: AudioLanguageModel
    /// The canonical spec it was loaded from (`pengi:/models/base.pth`, `pengi-random:tiny`).
    public let spec: String

    init(_ model: AudioLanguageModel, spec: String) {
        self.model = model
        self.spec = spec
    }

    public var typeName: String { "model" }
    public var typeSummary: String { "an audio-language model: frozen audio and text encoders into one joint space" }
    public var description: String { "<model \(model.name) d=\(model.dimension), \(spec)>" }
    public var fieldDocs: [(name: String, doc: String)] {
        [("name", "short name (pengi)"), ("spec", "the model spec it was loaded from"), ("dim", "joint embedding dimension d"), ("token_width", "width of the text tower's token embeddings"),
         ("fingerprint", "identifies the weights (feature caches key on it)"), ("preprocessing", "the audio front-end's fingerprint")]
    }
    public func field(_ name: String) throws -> Value? {
        switch name {
        case "name": return .string(model.name)
        case "spec": return .string(spec)
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
                let results = try ProgressBar.whileRunning("embedding " + AudioFileInfo.workloadSummary(paths), total: paths.count,
                                                           unit: "files") { try model.embedAudio(paths: paths) }
                for (path, r) in zip(paths, results) {
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

extension Interpreter {
    /// A preprocessing preset by name.
    func preprocessingPreset(_ name: String, _ context: String) throws -> PreprocessingConfig {
        guard let config = PreprocessingConfig.preset(named: name) else {
            throw ScriptError.runtime("\(context): unknown preprocessing '\(name)' (known: \(PreprocessingConfig.presets.map(\.name).joined(separator: ", ")))")
        }
        return config
    }

    /// Loads `spec` and makes it the session's current model.
    private func adopt(_ spec: ModelSpec) throws -> Value {
        let m = ModelObject(try spec.load(), spec: spec.description)
        session.lastModel = m
        return .host(m)
    }

    func installModelBindings() {
        builtin("model", "Loads a model by spec: \(ModelSpec.forms.joined(separator: ", ")). The one-tower encoders answer only their own half.",
                [Param("spec", "a model spec, e.g. \"demo\" or \"pengi:~/models/base.pth\"")], returns: "model") { args, interp in
            try interp.adopt(ModelSpec(try args.string(0), resolvePath: interp.resolvePath))
        }
        // Each kind with a builtin name gets one taking its arguments as parameters.
        for kind in ModelRegistry.kinds {
            guard let name = kind.builtin else { continue }
            builtin(name, kind.summary.prefix(1).uppercased() + kind.summary.dropFirst() + " (spec \(kind.form)).",
                    kind.arguments.map(\.parameter), returns: "model") { args, interp in
                var given: [String: String] = [:]
                for (i, a) in kind.arguments.enumerated() {
                    if let v = args[i] { given[a.name] = try a.text(from: v, callee: name) }
                }
                return try interp.adopt(ModelSpec(kind: kind, given, context: name, resolvePath: interp.resolvePath))
            }
        }
        builtin("load_audio", "Decodes an audio file: {samples: tensor [channels, frames], rate, channels, duration}.",
                [Param("path", "audio file")], returns: "map") { args, _ in
            let path = (try args.string(0) as NSString).expandingTildeInPath
            let audio = try AudioDecoder().decode(path)
            let samples = try Tensor(audio.channels.flatMap { $0 }, shape: [audio.channels.count, audio.frameCount])
            return .map(MapBox([("samples", .tensor(samples)), ("rate", .int(audio.sampleRate)),
                                ("channels", .int(audio.channels.count)), ("duration", .number(audio.duration))]))
        }
        builtin("logmel", "The log-mel spectrogram [frames, mels] the encoder sees for a file (decode, resample, crop/tile, STFT, mel, log); [4, 1001, mels] with LAION-CLAP's fusion front-end (the shrunk whole clip and three chunks).",
                [Param("path", "audio file"), Param("preset", PreprocessingConfig.presets.map { "\"\($0.name)\"" }.joined(separator: ", "), default: "\"pengi\"")],
                returns: "tensor") { args, interp in
            let path = (try args.string(0) as NSString).expandingTildeInPath
            let pre = try args[1].map { try interp.preprocessingPreset(try $0.asString("logmel argument 'preset'"), "logmel") } ?? .pengi
            return .tensor(try Preprocessor(config: pre).features(path: path))
        }
    }
}
