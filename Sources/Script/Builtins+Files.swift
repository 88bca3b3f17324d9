import Foundation
import Models
import Tensor

// Files and scripts: `exists`, `read_file`, `write_file`, `save_tensors` / `load_tensors`
// (.safetensors), and `load` (run another script in this session, as the stdlib scripts load
// `prelude.palm`).

extension Interpreter {
    /// `path` with `~` expanded and, when relative, taken from the directory of the script
    /// being run (so `load("prelude.palm")` finds the file beside the script).
    func resolvePath(_ path: String) -> String {
        let p = (path as NSString).expandingTildeInPath
        if p.hasPrefix("/") { return p }
        if let dir = session.scriptDirectory, FileManager.default.fileExists(atPath: dir + "/" + p) { return dir + "/" + p }
        return p
    }

    func installFileBuiltins() {
        builtin("exists", "Whether a file or directory exists at `path`.", [Param("path", "a path")], returns: "bool") { args, interp in
            .bool(FileManager.default.fileExists(atPath: interp.resolvePath(try args.string(0))))
        }
        builtin("read_file", "The text of a file.", [Param("path", "a path")], returns: "string") { args, interp in
            .string(try String(contentsOfFile: interp.resolvePath(try args.string(0)), encoding: .utf8))
        }
        builtin("write_file", "Writes text to a file (atomically), creating its directory.",
                [Param("path", "a path"), Param("text", "the text (non-strings are written as they print)")]) { args, _ in
            let path = (try args.string(0) as NSString).expandingTildeInPath
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try (try args.value(1)).displayString.write(toFile: path, atomically: true, encoding: .utf8)
            return .nil
        }
        builtin("save_tensors", "Writes named tensors to a .safetensors file (atomically), with string metadata.",
                [Param("path", "a .safetensors path"), Param("tensors", "map of name -> tensor"),
                 Param("metadata", "map of name -> string (numbers and bools are written as they print)", default: "{}")]) { args, interp in
            let path = (try args.string(0) as NSString).expandingTildeInPath
            guard case let .map(m) = try args.value(1) else { throw ScriptError.type(expected: "map of name -> tensor", found: try args.value(1), context: "save_tensors argument 'tensors'") }
            var tensors: [String: Tensor] = [:]
            for k in m.keys { tensors[k] = try m[k]!.asTensor("save_tensors tensor '\(k)'").detached() }
            var metadata: [String: String] = [:]
            if let v = args[2] {
                guard case let .map(meta) = v else { throw ScriptError.type(expected: "map of name -> string", found: v, context: "save_tensors argument 'metadata'") }
                for k in meta.keys { metadata[k] = meta[k]!.displayString }
            }
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try SafeTensorsFile.write(tensors, metadata: metadata, to: path)
            return .nil
        }
        builtin("load_tensors", "Reads a .safetensors file: {tensors: map of name -> tensor, metadata: map of name -> string}.",
                [Param("path", "a .safetensors path")], returns: "map") { args, interp in
            let file = try SafeTensorsFile(path: interp.resolvePath(try args.string(0)))
            let tensors = MapBox(try file.keys.map { ($0, Value.tensor(try file.tensor($0))) })
            let metadata = MapBox(file.metadata.keys.sorted().map { ($0, Value.string(file.metadata[$0]!)) })
            return .map(MapBox([("tensors", .map(tensors)), ("metadata", .map(metadata))]))
        }
        builtin("load", "Runs a .palm file in this session (its functions and variables become globals); a relative path is found beside the running script.",
                [Param("path", "the script")]) { args, interp in
            let path = interp.resolvePath(try args.string(0))
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ScriptError.runtime("load: cannot read \(path)") }
            try interp.run(Parser.parse(SourceFile(name: (path as NSString).lastPathComponent, text: text)))
            return .nil
        }
    }
}
