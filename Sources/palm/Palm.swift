import ArgumentParser

/// The `palm` command: the REPL when run without a subcommand, else one of the subcommands.
@main
struct Palm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "palm",
        abstract: "A native workbench for few-shot prompt learning on audio-language models.",
        subcommands: [Repl.self, Run.self, Demo.self, EmbedAudio.self, EmbedText.self, DatasetCommand.self, Experiment.self, Bench.self],
        defaultSubcommand: Repl.self
    )
}
