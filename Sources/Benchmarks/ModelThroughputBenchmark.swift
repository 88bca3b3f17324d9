import Audio
import Datasets
import Foundation
import Models
import Support
import Tensor

/// `palm bench models`: every audio-language model family palm ports, at full size with random
/// weights (each `-random` kind of the model registry, size `base`), beside the family's own PyPI
/// package in PyTorch CPU in the same run (`Scripts/pybench/models.py`, which knows the CLAP
/// families; PENGI's baseline is `Scripts/fixtures/bench_pengi.py`).
///
/// - Audio: batches of 1 and 8 clips of the family's clip length at its sample rate. palm reads
///   them from WAV files (decode, clip, log-mel, encoder, projection); the packages take the
///   waveform tensor and compute the log-mel inside the model, so palm's side also pays for
///   decoding.
/// - Text: the 50 ESC-50 classes in palm's default template, tokenized by palm; the same ids and
///   masks go to PyTorch, so both run the same sequences (tokenization excluded on both sides).
enum ModelThroughputBenchmark {
    /// Each family (a `-random` kind's name without the suffix) and its full-size random spec.
    static var families: [(family: String, spec: String)] {
        ModelRegistry.kinds.filter { $0.name.hasSuffix("-random") }.map { (String($0.name.dropLast("-random".count)), $0.name + ":base") }
    }

    struct Figures {
        var audio: [Int: Double] = [:]
        var text = Double.nan
    }

    static func run(batches: [Int] = [1, 8], repeats: Int = 3) throws {
        print("== model throughput (full-size architectures, random weights) ==")
        let prompts = KnownDataset.esc50.classes.map { "This is a recording of \($0)." }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("palm-bench-models-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        var palm: [String: Figures] = [:]
        var tokens: [String: [String: [[Int]]]] = [:]
        for (family, spec) in families {
            let model = try ModelSpec.load(spec)
            var figures = Figures()
            let clip = try clipFile(for: model, in: folder)
            for b in batches {
                let paths = Array(repeating: clip, count: b)
                let seconds = try Stopwatch.median(repeats: repeats) {
                    for r in try model.embedAudio(paths: paths) { _ = try r.get() }
                }
                figures.audio[b] = seconds
                print("  palm " + family.padding(toLength: 12, withPad: " ", startingAt: 0)
                      + String(format: " audio, batch %d: %.3f s (%.2f clips/s)", b, seconds, Double(b) / seconds))
            }
            let batch = try model.tokenize(prompts)
            figures.text = try Stopwatch.median(repeats: repeats) {
                _ = try GradMode.withoutGrad { try model.textFeatures(tokenEmbeddings: model.tokenEmbeddings(batch), tokens: batch) }
            }
            print("  palm " + family.padding(toLength: 12, withPad: " ", startingAt: 0)
                  + String(format: " text, %d prompts x %d tokens: %.3f s (%.1f prompts/s)", prompts.count, batch.length,
                           figures.text, Double(prompts.count) / figures.text))
            palm[family] = figures
            tokens[family] = ["ids": batch.ids, "mask": batch.lengths.map { n in (0..<batch.length).map { $0 < n ? 1 : 0 } }]
        }

        let compared = families.map(\.family).filter { palm[$0] != nil }
        let tokenFile = folder.appendingPathComponent("tokens.json")
        try JSONSerialization.data(withJSONObject: tokens).write(to: tokenFile)
        guard let torch = PythonBaseline.run(script: "models.py", arguments: [
            "--tokens", tokenFile.path, "--families", compared.joined(separator: ","),
            "--batches", batches.map(String.init).joined(separator: ","), "--repeats", String(repeats),
        ]) else { return }
        print("  | model | workload | palm (s) | PyTorch (s) | PyTorch / palm |")
        print("  |---|---|---:|---:|---:|")
        for family in compared {
            guard let mine = palm[family], let theirs = torch[family] as? [String: Any] else {
                print("  | \(family) | (no PyTorch baseline in models.py) | | | |"); continue
            }
            let audio = theirs["audio"] as? [String: Double] ?? [:]
            for b in batches {
                guard let t = audio[String(b)], let p = mine.audio[b] else { continue }
                print(String(format: "  | %@ | audio, batch %d | %.3f | %.3f | %.2f |", family, b, p, t, t / p))
            }
            if let t = theirs["text"] as? Double {
                print(String(format: "  | %@ | text, %d prompts | %.3f | %.3f | %.2f |", family, prompts.count, mine.text, t, t / mine.text))
            }
        }
        print("  (torch \(torch["torch"] ?? "?"), \(torch["threads"] ?? "?") threads)")
    }

    /// One WAV of noise at the model's sample rate and clip length (no resampling, no tiling).
    static func clipFile(for model: AudioLanguageModel, in folder: URL) throws -> String {
        let p = model.preprocessing
        let length = p.clip?.length ?? p.sampleRate * 10
        var g = SeededGenerator(seed: 5)
        let samples = (0..<length).map { _ in g.normal() * 0.1 }
        let path = folder.appendingPathComponent("\(model.name)-\(p.sampleRate).wav").path
        try AudioWriter.write([samples], sampleRate: p.sampleRate, to: path, format: .wavFloat)
        return path
    }
}
