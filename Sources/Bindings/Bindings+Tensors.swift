import Foundation
import Models
import ScriptCore
import Tensor

// Named tensors on disk: `save_tensors` / `load_tensors` read and write .safetensors files
// (readable from PyTorch), through the checkpoint layer.

extension Interpreter {
    func installTensorFileBindings() {
        builtin("save_tensors", "Writes named tensors to a .safetensors file (atomically), with string metadata.",
                [Param("path", "a .safetensors path"), Param("tensors", "map of name -> tensor"),
                 Param("metadata", "map of name -> string (numbers and bools are written as they print)", default: "{}")]) { args, _ in
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
    }
}
