import ArgumentParser

/// `palm bench SUITE...`: benchmarks that print ratios against a baseline measured in the same
/// run (raw OpenBLAS, PyTorch CPU when importable).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run benchmarks (engine, audio, pengi, datasets, prompting, prompt-steps, training-cost, all).")

    @Argument(help: "Suites to run: engine, audio, pengi, datasets, prompting, prompt-steps, training-cost, all.")
    var suites: [String] = ["all"]

    func run() throws {
        let known = ["engine", "audio", "pengi", "datasets", "prompting", "prompt-steps", "training-cost"]
        let chosen = suites.contains("all") ? known : suites
        for s in chosen {
            switch s {
            case "engine": try EngineBenchmark.run()
            case "audio": try AudioFrontEndBenchmark.run()
            case "pengi": try PENGIEncoderBenchmark.run()
            case "datasets": try FeatureStoreThroughputBenchmark.run()
            case "prompting": try PromptingBenchmark.run()
            case "prompt-steps": try PromptStepBenchmark.run()
            case "training-cost": try TrainingCostBenchmark.run()
            default: throw ValidationError("unknown benchmark suite '\(s)'; known: \(known.joined(separator: ", ")), all")
            }
        }
    }
}
