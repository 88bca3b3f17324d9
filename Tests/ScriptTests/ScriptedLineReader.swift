import REPL

/// Lines from an array, for tests; records the prompts it was shown.
final class ScriptedLineReader: LineReader {
    private var lines: [String]
    private(set) var prompts: [String] = []
    init(_ lines: [String]) { self.lines = lines }
    func readLine(prompt: String) -> String? {
        prompts.append(prompt)
        return lines.isEmpty ? nil : lines.removeFirst()
    }
}
