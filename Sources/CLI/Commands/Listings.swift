import ArgumentParser
import Models
import Prompting

/// `palm methods [--markdown]`: every learner palm knows, from the registry.
public struct Methods: ParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "List the learners: names, settings, parameters.")

    @Flag(help: "Print the Markdown table (as in the README).") var markdown = false

    public init() {}

    public func run() throws {
        if markdown { print(LearnerRegistry.markdownTable(), terminator: ""); return }
        for k in LearnerRegistry.kinds {
            print("\(k.name)\(k.aliases.isEmpty ? "" : " (also \(k.aliases.joined(separator: ", ")))"): \(k.summary)")
            for s in k.settings { print("    \(s.key)=\(s.defaultValue?.description ?? "") \(s.doc)") }
            print("    parameters: \(k.parameterFormula)\(k.usesSeed ? "" : "; no seed")")
        }
        print("training settings (every method): " + TrainingOptions.settings.map { "\($0.key)=\($0.defaultValue?.description ?? "")" }.joined(separator: ", "))
    }
}

/// `palm models`: every model spec palm understands, from the registry.
public struct Models: ParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "List the model specs palm can load.")

    public init() {}

    public func run() throws {
        for k in ModelRegistry.kinds {
            print("\(k.form): \(k.summary)" + (k.builtin.map { " (script: \($0)(...))" } ?? ""))
        }
    }
}
