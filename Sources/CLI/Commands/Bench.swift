import ArgumentParser
import Benchmarks

/// `palm bench SUITE...`: benchmarks that print ratios against a baseline measured in the same
/// run (raw OpenBLAS, PyTorch CPU when importable).
public struct Bench: ParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Run benchmarks (\(BenchmarkSuite.all.map(\.name).joined(separator: ", ")), all).",
        discussion: BenchmarkSuite.all.map { "\($0.name): \($0.summary)" }.joined(separator: "\n"))

    @Argument(help: "Suites to run: \(BenchmarkSuite.all.map(\.name).joined(separator: ", ")), all.")
    var suites: [String] = ["all"]

    public func validate() throws {
        for s in suites where s != "all" && BenchmarkSuite.named(s) == nil {
            throw ValidationError("unknown benchmark suite '\(s)'; known: \(BenchmarkSuite.all.map(\.name).joined(separator: ", ")), all")
        }
    }

    public init() {}

    public func run() throws {
        let chosen = suites.contains("all") ? BenchmarkSuite.all : suites.compactMap(BenchmarkSuite.named)
        for suite in chosen { try suite.run() }
    }
}
