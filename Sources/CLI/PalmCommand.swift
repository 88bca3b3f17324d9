import ArgumentParser

/// The `palm` command: the REPL when run without a subcommand, else one of the subcommands.
/// The executable's `main.swift` registers the language's bindings and calls `main()`.
public struct PalmCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "palm",
        abstract: "A native workbench for few-shot prompt learning on audio-language models.",
        subcommands: [Repl.self, Run.self, Demo.self, EmbedAudio.self, EmbedText.self, DatasetCommand.self, Experiment.self,
                      Status.self, GridTask.self, Methods.self, Models.self, Bench.self, KernelCommand.self, Convert.self],
        defaultSubcommand: Repl.self
    )
}
