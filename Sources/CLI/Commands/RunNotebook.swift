import Foundation
import Kernel
import Reports
import ScriptCore
import Support

/// `palm run notebook.ipynb --output run.ipynb`: the notebook's code cells run one at a time
/// (the kernel's way, so each cell's outputs are its own), printed text echoed as it comes, and
/// the notebook written with every cell's outputs, also when a cell fails (the cells after it
/// keep none, as `nbclient` leaves them). Returns 0, 1 on an error, 130 when interrupted.
func runNotebook(path: String, arguments: [String], output: String, interpreter: Interpreter) -> Int32 {
    let expanded = (path as NSString).expandingTildeInPath
    guard (expanded as NSString).pathExtension.lowercased() == "ipynb" else {
        FileHandle.standardError.write(Data("error: --output needs a notebook (.ipynb) to run, not \(path)\n".utf8))
        return 1
    }
    do {
        let notebook = try JupyterNotebook(path: expanded)
        interpreter.prepareRun(of: expanded, arguments: arguments, options: [])
        let (executed, failure) = NotebookExecution.run(notebook, interpreter: interpreter) { print($0) }
        if let failure { FileHandle.standardError.write(Data((failure.rendered + "\n").utf8)) }
        try AtomicFile.write(executed.json(), to: (output as NSString).expandingTildeInPath, createDirectory: true)
        print("notebook written to \(output)")
        guard let failure else { return 0 }
        return failure.kind == ScriptError.Kind.interrupted.rawValue ? 130 : 1
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return 1
    }
}
