import Datasets
import Foundation
import Models
import Support
import Tensor

// Throughput benchmarks of the PENGI encoders (`palm bench pengi`).
// `palm bench pengi` runs `Scripts/pybench/pengi.py` beside them, which times PyTorch on the
// same workloads and the same random-weight architecture. Timing: one warm-up run, then the median of `repeats`.

/// One benchmark measurement.
public struct PENGIBenchmarkResult: Sendable, CustomStringConvertible {
    public let name: String
    /// Items (clips or prompts) per run.
    public let batch: Int
    /// Median wall-clock seconds per run.
    public let seconds: Double
    /// Median process CPU seconds (user + system, all threads) per run: steadier than wall
    /// time on a shared machine, and with `seconds` it shows how well the cores were used.
    public let cpuSeconds: Double
    /// Estimated multiply-add FLOPs (x2) per item of the GEMM/attention work.
    public let flopsPerItem: Double
    public var itemsPerSecond: Double { Double(batch) / seconds }
    public var gflopsPerSecond: Double { flopsPerItem * Double(batch) / seconds / 1e9 }
    public var description: String {
        String(format: "%@: batch %d, %.3f s/run (cpu %.3f s), %.2f items/s, %.1f GFLOP/item, %.1f GFLOP/s",
               name, batch, seconds, cpuSeconds, itemsPerSecond, flopsPerItem / 1e9, gflopsPerSecond)
    }
}

public enum PENGIBenchmark {
    /// Audio path from the log-mel (HTSAT + projection), `batch` clips of `frames` x 64
    /// (7 s clips at 44.1 kHz with hop 320 give 965 frames).
    public static func audio(_ encoders: PENGIEncoders, batch: Int, frames: Int = 965, repeats: Int = 3, seed: UInt64 = 1) throws -> PENGIBenchmarkResult {
        var g = SeededGenerator(seed: seed)
        let logMel = Tensor.normal([batch, 1, frames, encoders.config.audio.melBins], mean: -20, std: 10, generator: &g)
        let (seconds, cpu) = try median(repeats: repeats) { _ = try encoders.embedAudio(logMel: logMel) }
        return PENGIBenchmarkResult(name: "PENGI audio (log-mel -> HTSAT -> projection)", batch: batch, seconds: seconds, cpuSeconds: cpu,
                                    flopsPerItem: audioFlops(encoders.config))
    }

    /// Text path from token ids: `prompts` rows of `tokens` ids (BOS, content, EOS last), through
    /// the CLIP tower and both projections.
    public static func text(_ encoders: PENGIEncoders, prompts: Int = 50, tokens: Int = 40, repeats: Int = 3, seed: UInt64 = 2) throws -> PENGIBenchmarkResult {
        var g = SeededGenerator(seed: seed)
        let v = encoders.config.text.vocabSize
        let ids = (0..<prompts).map { _ in [v - 2] + (0..<(tokens - 2)).map { _ in g.int(below: v - 2) } + [v - 1] }
        let (seconds, cpu) = try median(repeats: repeats) { _ = try encoders.embedText(ids: ids) }
        return PENGIBenchmarkResult(name: "PENGI text (ids -> CLIP -> projections), \(tokens) tokens", batch: prompts, seconds: seconds, cpuSeconds: cpu,
                                    flopsPerItem: textFlops(encoders.config, tokens: tokens))
    }

    /// Where the audio path's time goes: one warm-up, then `repeats` passes of `batch` clips
    /// with the stage profiler on; the stages' wall times and declared FLOPs, summed over the
    /// passes.
    public static func audioProfile(_ encoders: PENGIEncoders, batch: Int, frames: Int = 965, repeats: Int = 2,
                                    seed: UInt64 = 1) throws -> [StageProfiler.Entry] {
        var g = SeededGenerator(seed: seed)
        let logMel = Tensor.normal([batch, 1, frames, encoders.config.audio.melBins], mean: -20, std: 10, generator: &g)
        _ = try encoders.embedAudio(logMel: logMel)
        StageProfiler.start()
        defer { _ = StageProfiler.stop() }
        for _ in 0..<max(1, repeats) { _ = try encoders.embedAudio(logMel: logMel) }
        return StageProfiler.stop()
    }

    /// A Markdown table of `entries`: per stage ms per clip, share of the total and GFLOP/s,
    /// grouped by the first name component (e.g. `stage 2`) with group subtotals. With
    /// `floor` (seconds per clip of each group's products alone, `HTSATGEMMFloor`), a last
    /// column reads each group against it.
    public static func profileTable(_ entries: [StageProfiler.Entry], clips: Int, floor: [String: Double] = [:]) -> [String] {
        let total = entries.reduce(0) { $0 + $1.seconds }
        let floorTotal = floor.values.reduce(0, +)
        func row(_ name: String, _ s: Double, _ f: Double, floor perClip: Double? = nil) -> String {
            let versus = perClip.map { String(format: " %.2fx |", s / Double(clips) / $0) } ?? (floor.isEmpty ? "" : " |")
            return String(format: "| %@ | %.2f | %.1f%% | %@ |", name, s / Double(clips) * 1e3, 100 * s / total, f > 0 ? String(format: "%.0f", f / s / 1e9) : "")
                + versus
        }
        var lines = floor.isEmpty ? ["| stage | ms / clip | share | GFLOP/s |", "|---|---:|---:|---:|"]
            : ["| stage | ms / clip | share | GFLOP/s | x its products alone |", "|---|---:|---:|---:|---:|"]
        var groups: [String] = []
        for e in entries {
            let g = e.name.components(separatedBy: " / ").first!
            if !groups.contains(g) { groups.append(g) }
        }
        for g in groups {
            let members = entries.filter { $0.name.components(separatedBy: " / ").first! == g }
            if members.count == 1 && members[0].name == g { lines.append(row(g, members[0].seconds, members[0].flops, floor: floor[g])); continue }
            lines.append(row("**\(g)**", members.reduce(0) { $0 + $1.seconds }, members.reduce(0) { $0 + $1.flops }, floor: floor[g]))
            for m in members { lines.append(row("&nbsp;&nbsp;" + m.name.dropFirst(g.count + 3), m.seconds, m.flops)) }
        }
        lines.append(row("**total**", total, entries.reduce(0) { $0 + $1.flops }, floor: floor.isEmpty ? nil : floorTotal))
        return lines
    }

    /// Text path on real class-name prompts: the 50 ESC-50 classes in PENGI's template,
    /// tokenized as PENGI does (40 ids, padded with EOS); palm runs each batch only up to its
    /// longest EOS, where the reference runs all 40 positions.
    public static func classPrompts(_ encoders: PENGIEncoders, repeats: Int = 3) throws -> PENGIBenchmarkResult {
        let prompts = KnownDataset.esc50.classes.map { "This is a recording of \($0)." }
        let ids = try CLIPTokenizer.bundled().tokenize(prompts).map(\.ids)
        let longest = (ids.map { CLIPTextTransformer.firstArgmax($0[...]) }.max() ?? 0) + 1
        let (seconds, cpu) = try median(repeats: repeats) { _ = try encoders.embedText(ids: ids) }
        return PENGIBenchmarkResult(name: "PENGI text, the \(prompts.count) ESC-50 prompts (run to \(longest) of 40 tokens)", batch: prompts.count,
                                    seconds: seconds, cpuSeconds: cpu, flopsPerItem: textFlops(encoders.config, tokens: longest))
    }

    /// GEMM + attention FLOPs of one clip through HTSAT and the audio projection.
    public static func audioFlops(_ c: PENGIConfig) -> Double {
        let d = Double(c.embeddingDim), nf = Double(c.audio.numFeatures)
        return HTSATGEMMFloor.products(c.audio, batch: 1).reduce(0) { $0 + $1.flops } + 2 * nf * d + 2 * d * d
    }

    /// GEMM + attention FLOPs of one `tokens`-token prompt through the text tower and projections.
    public static func textFlops(_ c: PENGIConfig, tokens: Int) -> Double {
        let t = c.text, n = Double(tokens), w = Double(t.width)
        let perLayer = 2 * n * w * w * 4 + 2 * n * w * Double(t.intermediate) * 2 + 4 * n * n * w
        let d = Double(c.embeddingDim)
        return Double(t.layers) * perLayer + 2 * w * w + 2 * w * d + 2 * d * d
    }

    static func median(repeats: Int, _ body: () throws -> Void) throws -> (wall: Double, cpu: Double) {
        try body()  // warm-up: page in weights, size OpenBLAS buffers
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds, cpuStart = ProcessClock.cpuSeconds()
            try body()
            wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            cpu.append(ProcessClock.cpuSeconds() - cpuStart)
        }
        return (wall.sorted()[wall.count / 2], cpu.sorted()[cpu.count / 2])
    }
}
