import Audio
import Datasets
import Foundation
import Models
import Prompting

/// `palm bench audio`: the PENGI front-end (decode + resample + clip + log-mel) on the audio
/// fixtures, one and two threads, beside PyTorch/librosa when available.
enum AudioFrontEndBenchmark {
    static func run() throws {
        print("== audio front-end (PENGI log-mel, 7 s clips) ==")
        let dir = repositoryRoot.appendingPathComponent("Tests/Fixtures/audio").path
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { [".wav", ".flac", ".ogg", ".mp3"].contains(where: $0.hasSuffix) }.sorted().map { dir + "/" + $0 }
        for t in [1, 2] { print("  palm  " + AudioBenchmark.run(files: files, threads: t).description) }
        // Where the time goes, per stage, on the longest recording (thread CPU time, medians).
        if let longest = files.max(by: { ((try? AudioFileInfo(path: $0))?.frames ?? 0) < ((try? AudioFileInfo(path: $1))?.frames ?? 0) }) {
            let stages = try AudioBenchmark.stageTimes(file: longest)
            print("  stages of \((longest as NSString).lastPathComponent) (ms): "
                  + stages.map { "\($0.stage) \(String(format: "%.2f", $0.milliseconds))" }.joined(separator: ", "))
        }
        print("  (torchlibrosa/librosa on the same files: python3 Scripts/fixtures/bench_audio.py)")
    }
}

/// `palm bench pengi`: PENGI encoders with random base weights (real architecture): audio
/// embeddings/s at batch 1 and 8 and text embeddings/s, then PyTorch on the same workloads
/// (`Scripts/pybench/pengi.py`, msclap's HTSAT and HF's CLIP text model) in the same run when
/// torch is installed, and the ratios PyTorch time / palm time (wall and process CPU time: the
/// CPU ratio is steadier when other processes share the cores).
enum PENGIEncoderBenchmark {
    static func run() throws {
        print("== PENGI encoders (random base weights) ==")
        let encoders = try PENGIEncoders(source: PENGIEncoders.randomSource(config: .pengiBase), config: .pengiBase)
        let batches = [1, 8], prompts = 50, tokens = 40
        var palm: [String: PENGIBenchmarkResult] = [:]
        for b in batches {
            let r = try PENGIBenchmark.audio(encoders, batch: b)
            palm["audio \(b)"] = r
            print("  palm  " + r.description)
        }
        let text = try PENGIBenchmark.text(encoders, prompts: prompts, tokens: tokens)
        palm["text"] = text
        print("  palm  " + text.description)
        let classPrompts = try PENGIBenchmark.classPrompts(encoders)
        print("  palm  " + classPrompts.description)
        // The products alone: what no implementation on this OpenBLAS gets under; the profile
        // reads each stage against its own products.
        var floors: [Int: Double] = [:]
        for b in batches {
            let floor = HTSATGEMMFloor.measure(encoders.config.audio, batch: b)
            print("  profile, batch \(b) (wall time per stage, GFLOP/s of its GEMM/attention work, time over its products alone):")
            let passes = 2
            for line in PENGIBenchmark.profileTable(try PENGIBenchmark.audioProfile(encoders, batch: b, repeats: passes), clips: b * passes,
                                                    floor: floor.byStage.mapValues { $0 / Double(b) }) {
                print("  " + line)
            }
            floors[b] = floor.seconds
            let mine = palm["audio \(b)"]!
            print(String(format: "  floor, batch %d: HTSAT's products alone through OpenBLAS %.3f s (%.0f GFLOP/s); palm's whole audio path %.3f s = %.2fx the floor",
                         b, floor.seconds, floor.flops / floor.seconds / 1e9, mine.seconds, mine.seconds / floor.seconds))
        }
        guard let torch = PythonBaseline.run(script: "pengi.py", arguments: [
            "--batches", batches.map(String.init).joined(separator: ","), "--prompts", "\(prompts)", "--tokens", "\(tokens)",
        ]) else { return }
        print("  | workload | palm s (cpu s) | PyTorch s (cpu s) | PyTorch / palm, wall | cpu |")
        print("  |---|---:|---:|---:|---:|")
        let audio = torch["audio"] as? [String: [Double]] ?? [:]
        var rows: [(String, PENGIBenchmarkResult, [Double]?)] = batches.map { ("audio, batch \($0)", palm["audio \($0)"]!, audio["\($0)"]) }
        rows.append(("text, \(prompts) prompts x \(tokens) tokens", text, torch["text"] as? [Double]))
        // The reference pads PENGI's prompts to 40 tokens and runs them all: its time on real
        // class names is its 50 x 40 time.
        rows.append(("text, the ESC-50 prompts (reference: padded to \(tokens))", classPrompts, torch["text"] as? [Double]))
        for (name, mine, theirs) in rows {
            guard let theirs, theirs.count == 2 else { continue }
            print(String(format: "  | %@ | %.3f (%.3f) | %.3f (%.3f) | %.2f | %.2f |", name, mine.seconds, mine.cpuSeconds,
                         theirs[0], theirs[1], theirs[0] / mine.seconds, theirs[1] / mine.cpuSeconds))
        }
        for b in batches {
            guard let theirs = audio["\(b)"], theirs.count == 2, let floor = floors[b] else { continue }
            print(String(format: "  batch %d: PyTorch / floor = %.2f (the ratio an implementation doing nothing but HTSAT's products would reach)",
                         b, theirs[0] / floor))
        }
        print("  (torch \(torch["torch"] ?? "?"), \(torch["threads"] ?? "?") threads)")
    }
}

/// `palm bench datasets`: feature-store extraction of 200 seven-second clips, cold and cached,
/// with the tiny random PENGI (real front-end and architecture).
enum FeatureStoreThroughputBenchmark {
    static func run() throws {
        print("== feature store (200 x 7 s clips, tiny PENGI) ==")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("palm-bench-featurestore").path
        let model = try PENGIModel(source: PENGIEncoders.randomSource(config: .tinyWithCLIPVocabulary), config: .tinyWithCLIPVocabulary)
        print("  " + (try FeatureStoreBenchmark.run(directory: dir, embedder: ModelEmbedder(model))).description)
    }
}

/// The checkout this binary was built from (benchmarks read fixtures from it).
let repositoryRoot = URL(fileURLWithPath: #filePath)  // Sources/Benchmarks/PipelineBenchmarks.swift
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
