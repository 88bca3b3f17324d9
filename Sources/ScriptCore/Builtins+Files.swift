import Foundation
import Support
import Tensor

// Files and scripts: `exists`, `read_file`, `write_file`, and `load` (run another script in
// this session, as the stdlib scripts load `prelude.palm`).

extension Interpreter {
    /// `path` with `~` expanded and, when relative, taken from the directory of the script
    /// being run (so `load("prelude.palm")` finds the file beside the script).
    public func resolvePath(_ path: String) -> String {
        let p = (path as NSString).expandingTildeInPath
        if p.hasPrefix("/") { return p }
        if let dir = scriptDirectory, FileManager.default.fileExists(atPath: dir + "/" + p) { return dir + "/" + p }
        return p
    }

    func installFileBuiltins() {
        builtin("exists", "Whether a file or directory exists at `path`.", [Param("path", "a path")], returns: "bool") { args, interp in
            .bool(FileManager.default.fileExists(atPath: interp.resolvePath(try args.string(0))))
        }
        builtin("read_file", "The text of a file.", [Param("path", "a path")], returns: "string") { args, interp in
            .string(try TextFile.read(interp.resolvePath(try args.string(0)), role: "text file"))
        }
        builtin("write_file", "Writes text to a file (atomically), creating its directory.",
                [Param("path", "a path"), Param("text", "the text (non-strings are written as they print)")]) { args, _ in
            let path = (try args.string(0) as NSString).expandingTildeInPath
            try AtomicFile.write(try args.value(1).displayText(), to: path, createDirectory: true)
            return .nil
        }
        builtin("load", "Runs a .palm file in this session (its functions and variables become globals); a relative path is found beside the running script.",
                [Param("path", "the script")]) { args, interp in
            let path = interp.resolvePath(try args.string(0))
            let text = try TextFile.read(path, role: "script")
            try interp.run(text, name: (path as NSString).lastPathComponent)
            return .nil
        }
    }
}
