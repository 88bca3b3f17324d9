/// The suites `palm bench` runs, by name. Each prints its figures beside a baseline measured in
/// the same run (raw OpenBLAS, PyTorch CPU when importable): these machines are noisy, so only
/// same-run ratios mean anything. Adding a suite means one entry here.
public struct BenchmarkSuite: Sendable {
    public let name: String
    public let summary: String
    public let run: @Sendable () throws -> Void

    /// Every suite, in the order `palm bench all` runs them.
    public static let all: [BenchmarkSuite] = [
        BenchmarkSuite(name: "engine", summary: "matmul against raw cblas_sgemm; a CLIP-sized transformer block against PyTorch",
                       run: { try EngineBenchmark.run() }),
        BenchmarkSuite(name: "audio", summary: "the PENGI front-end (decode, resample, clip, log-mel) on one and two threads",
                       run: { try AudioFrontEndBenchmark.run() }),
        BenchmarkSuite(name: "pengi", summary: "PENGI encoders with random base weights: audio at batch 1 and 8, text",
                       run: { try PENGIEncoderBenchmark.run() }),
        BenchmarkSuite(name: "models", summary: "every ALM family at full size (random weights): audio at batch 1 and 8, text, beside its PyPI package in PyTorch",
                       run: { try ModelThroughputBenchmark.run() }),
        BenchmarkSuite(name: "datasets", summary: "the feature store: 200 seven-second clips, cold and cached",
                       run: { try FeatureStoreThroughputBenchmark.run() }),
        BenchmarkSuite(name: "prompting", summary: "PALM, PALM-dagger and a linear probe on ESC-50-sized cached features",
                       run: { try PromptingBenchmark.run() }),
        BenchmarkSuite(name: "prompt-steps", summary: "one CoOp and one CoCoOp step through PENGI's text tower, beside PyTorch",
                       run: { try PromptStepBenchmark.run() }),
        BenchmarkSuite(name: "protocol", summary: "one ESC-50-sized fold end to end (random PENGI base weights, demo-corpus audio): embed 800 + 400 clips, zero-shot, PALM, one CoOp epoch",
                       run: { try ProtocolBenchmark.run() }),
        BenchmarkSuite(name: "training-cost", summary: "the paper's Table 3: parameters, time per epoch and memory of every method",
                       run: { try TrainingCostBenchmark.run() }),
    ]

    /// The suite called `name`, or nil.
    public static func named(_ name: String) -> BenchmarkSuite? { all.first { $0.name == name } }
}
