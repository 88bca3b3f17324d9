import ArgumentParser
import ScriptCore

/// `--max-memory SIZE` of `palm run` and `palm repl`: the memory budget a script's tensors,
/// lists and strings must fit in (`AllocationBudget`).
struct MemoryBudgetOption: ParsableArguments {
    @Option(name: .customLong("max-memory"),
            help: ArgumentHelp("Memory budget for the script, e.g. 4G or 512M (default: three quarters of physical memory, \(AllocationBudget.bytesText(AllocationBudget.defaultMemoryBudget)) here).",
                               valueName: "size"))
    var maxMemory: String?

    init() {}

    func validate() throws {
        if let maxMemory { _ = try MemoryBudgetOption.bytes(maxMemory) }
    }

    /// Sets the process's memory budget when the option was given.
    func apply() throws {
        if let maxMemory { AllocationBudget.memoryBudget = try MemoryBudgetOption.bytes(maxMemory) }
    }

    /// `text` as a byte count, or a validation error naming the option.
    static func bytes(_ text: String) throws -> Int {
        guard let bytes = AllocationBudget.parseSize(text) else {
            throw ValidationError("--max-memory: '\(text)' is not a size (e.g. 4G, 512M, 800K)")
        }
        return bytes
    }
}
