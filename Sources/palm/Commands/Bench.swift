import ArgumentParser

/// `palm bench SUITE...`: benchmarks that print ratios against a baseline measured in the same
/// run (raw OpenBLAS, PyTorch CPU when importable).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run benchmarks (engine, prompting, prompt-steps, all).")

    @Argument(help: "Suites to run: engine, prompting, prompt-steps, all.")
    var suites: [String] = ["all"]

    func run() throws {
        let known = ["engine", "prompting", "prompt-steps"]
        let chosen = suites.contains("all") ? known : suites
        for s in chosen {
            switch s {
            case "engine": try EngineBenchmark.run()
            case "prompting": try PromptingBenchmark.run()
            case "prompt-steps": try PromptStepBenchmark.run()
            default: throw ValidationError("unknown benchmark suite '\(s)'; known: \(known.joined(separator: ", ")), all")
            }
        }
    }
}
