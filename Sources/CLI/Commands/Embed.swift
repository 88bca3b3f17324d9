import ArgumentParser
import Datasets
import Foundation
import Models
import Tensor

/// Prints `{"model":..., "dim":..., "items":[{"input":..., "embedding":[...]}]}`.
func printEmbeddingJSON(model: AudioLanguageModel, items: [(input: String, embedding: [Float]?, error: String?)]) throws {
    var list: [[String: Any]] = []
    for it in items {
        var o: [String: Any] = ["input": it.input]
        if let e = it.embedding { o["embedding"] = e.map { Double($0) } }
        if let err = it.error { o["error"] = err }
        list.append(o)
    }
    let json: [String: Any] = ["model": model.fingerprint, "dim": model.dimension, "items": list]
    let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// L2-normalises a vector (the default output of the embed commands).
func normalized(_ v: [Float]) -> [Float] {
    let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return n > 0 ? v.map { $0 / n } : v
}

/// `palm embed-audio --model SPEC FILE...`.
public struct EmbedAudio: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "embed-audio", abstract: "Print audio embeddings as JSON.")

    @Option(help: "Model: \(ModelSpec.forms.joined(separator: ", ")).") var model: String
    @Flag(help: "Print the raw projection instead of the L2-normalised embedding.") var raw = false
    @Argument(help: "Audio files.") var files: [String]

    public init() {}

    public func run() throws {
        let m = try ModelSpec.load(model)
        // A long file can take minutes in the encoder (the demo model embeds every block of the
        // whole file): past a few seconds, stderr says what is being embedded and for how long.
        let results = try ProgressBar.whileRunning("embedding " + AudioFileInfo.workloadSummary(files), total: files.count,
                                                   unit: "files") { try m.embedAudio(paths: files) }
        var failed = false
        let items = zip(files, results).map { file, r -> (String, [Float]?, String?) in
            switch r {
            case .success(let e): return (file, raw ? e : normalized(e), nil)
            case .failure(let err): failed = true; return (file, nil, "\(err)")
            }
        }
        try printEmbeddingJSON(model: m, items: items)
        if failed { throw ExitCode(1) }
    }
}

/// `palm embed-text --model SPEC TEXT...`.
public struct EmbedText: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "embed-text", abstract: "Print text embeddings as JSON.")

    @Option(help: "Model: \(ModelSpec.forms.joined(separator: ", ")).") var model: String
    @Flag(help: "Print the raw projection instead of the L2-normalised embedding.") var raw = false
    @Argument(help: "Texts.") var texts: [String]

    public init() {}

    public func run() throws {
        let m = try ModelSpec.load(model)
        let e = try m.embedText(texts)
        let d = e.shape[1], values = e.toArray()
        try printEmbeddingJSON(model: m, items: texts.enumerated().map { i, t in
            let v = Array(values[(i * d)..<((i + 1) * d)])
            return (t, raw ? v : normalized(v), nil)
        })
    }
}
