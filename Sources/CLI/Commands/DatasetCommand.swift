import ArgumentParser
import Datasets

/// `palm dataset LAYOUT ROOT [--fold K] [--fewshot K --seed S] [--json]`.
public struct DatasetCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dataset", abstract: "Summarise a dataset: classes, splits, few-shot picks.",
        discussion: """
            \(CSVLayoutOptions.help)

            Paths in lists (csv:, palm:, the metadata of known datasets) are relative and must stay \
            inside ROOT; a NUL or control character, a FIFO or a device is refused naming the line. \
            Lists are read as UTF-8 (or the csv layout's encoding=); labels are kept byte for byte.
            """)

    @Argument(help: "Dataset name (e.g. esc50, palm:ESC50, original:UrbanSound8K), folder, or csv:...") var layout: String
    @Argument(help: "Dataset root folder.") var root: String
    @Option(help: "Only this fold.") var fold: Int?
    @Option(help: "Few-shot sample of K clips per class.") var fewshot: Int?
    @Option(help: "Seed of the few-shot sample.") var seed: UInt64?
    @Flag(help: "Print JSON (classes, splits, chosen files).") var json = false

    public init() {}

    public func run() throws {
        print(try datasetSummary(layout: layout, root: root, fold: fold, fewShot: fewshot, seed: seed, json: json))
    }
}
