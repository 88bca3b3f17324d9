import ArgumentParser
import Foundation
import Reports
import enum ScriptCore.TextFile
import Support

/// `palm convert script.palm --to ipynb` and `palm convert notebook.ipynb --to palm`: `#%%`
/// cells and `#'` prose <-> code and Markdown cells (`JupyterNotebook+Script.swift`).
public struct Convert: ParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Convert a palm script to a Jupyter notebook or back (#%% cells and #' prose <-> code and Markdown cells).")

    /// The two formats.
    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        case ipynb, palm
    }

    @Argument(help: "The script (.palm) or notebook (.ipynb) to convert.") var input: String
    @Option(help: "What to write: ipynb or palm.") var to: Format
    @Option(name: .shortAndLong, help: "Where to write (default: the input with the new extension beside it; - for stdout).") var output: String?

    public init() {}

    public func run() throws {
        let path = (input as NSString).expandingTildeInPath
        let converted = try Self.convert(path: path, to: to)
        let out = output ?? ((input as NSString).deletingPathExtension + "." + to.rawValue)
        if out == "-" {
            FileHandle.standardOutput.write(converted)
            return
        }
        guard (out as NSString).expandingTildeInPath != path else { throw ValidationError("the output would overwrite the input \(input); give --output") }
        try AtomicFile.write(converted, to: (out as NSString).expandingTildeInPath)
        print("wrote \(out)")
    }

    /// The file at `path` converted to `format`.
    public static func convert(path: String, to format: Format) throws -> Data {
        switch format {
        case .ipynb:
            return JupyterNotebook(script: try TextFile.read(path, role: "script")).json()
        case .palm:
            return Data(try JupyterNotebook(path: path).script().utf8)
        }
    }
}
