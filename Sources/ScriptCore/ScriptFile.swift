import Foundation
import Support

/// Runs a `.palm` file: prints its output to stdout and any error (with location, the line, a
/// caret and the call stack) to stderr. `arguments` are visible to the script as the list
/// `args`; `options` (typed values a host passes, e.g. `palm demo`'s) become the map
/// `options`, which the prelude's `option(name)` reads first. Returns the process exit status:
/// 0 on success, 1 on an error, 130 when interrupted.
///
/// This is the entry for `palm run script.palm`.
@discardableResult
public func runScript(path: String, arguments: [String] = [], options: [(String, Value)] = [],
                      interpreter: Interpreter = Interpreter()) -> Int32 {
    let expanded = (path as NSString).expandingTildeInPath
    do {
        let text = try TextFile.read(expanded, role: "script")
        interpreter.prepareRun(of: expanded, arguments: arguments, options: options)
        try interpreter.run(text, name: path)
        return 0
    } catch let e as ScriptError {
        FileHandle.standardError.write(Data((e.rendered + "\n").utf8))
        return e.kind == .interrupted ? 130 : 1
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return 1
    }
}

extension Interpreter {
    /// Sets what a script run sees: `args`, `options`, the script's directory (relative paths
    /// start there), and Ctrl-C handling.
    public func prepareRun(of path: String, arguments: [String], options: [(String, Value)]) {
        self["args"] = .list(arguments.map { .string($0) })
        if !options.isEmpty { self["options"] = .map(MapBox(options)) }
        scriptDirectory = (path as NSString).deletingLastPathComponent
        Interrupt.install()
    }
}
