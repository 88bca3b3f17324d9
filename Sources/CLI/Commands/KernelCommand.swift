import ArgumentParser
import Foundation
import Kernel
import class ScriptCore.Interpreter

/// `palm kernel --connection-file F` (a Jupyter kernel) and `palm kernel install`.
public struct KernelCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kernel", abstract: "Run palm as a Jupyter kernel, or install its kernelspec.",
        subcommands: [KernelStart.self, KernelInstall.self], defaultSubcommand: KernelStart.self)

    public init() {}
}

/// `palm kernel --connection-file F`: what Jupyter runs (the kernelspec's argv).
public struct KernelStart: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Serve the Jupyter messaging protocol on the sockets of a connection file (Jupyter runs this).")

    @Option(help: "The connection file Jupyter wrote (ports, key).") var connectionFile: String
    @Option(help: "Also append the kernel's log (start-up, refused messages) to this file.") var log: String?
    @OptionGroup var memory: MemoryBudgetOption
    @OptionGroup var limits: RunLimitOptions

    public init() {}

    public func run() throws {
        try memory.apply()
        let info = try ConnectionInfo(path: (connectionFile as NSString).expandingTildeInPath)
        let interpreter = Interpreter()
        limits.apply(to: interpreter)
        // Relative paths in cells start where Jupyter started the kernel (the notebook's folder).
        interpreter.prepareRun(of: FileManager.default.currentDirectoryPath + "/notebook", arguments: [], options: [])
        let logPath = log.map { ($0 as NSString).expandingTildeInPath }
        let session = try KernelSession(connection: info, interpreter: interpreter) { line in
            let text = "palm kernel: \(line)\n"
            FileHandle.standardError.write(Data(text.utf8))
            if let logPath { KernelLog.append(text, to: logPath) }
        }
        session.run()
    }
}

/// `palm kernel install [--user | --prefix P]`.
public struct KernelInstall: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "install", abstract: "Write palm's kernelspec (kernel.json and logos) where Jupyter finds it.")

    @Flag(help: "Install for this user (the default): the user's Jupyter data folder.") var user = false
    @Option(help: "Install under PREFIX/share/jupyter/kernels (a venv or conda prefix).") var prefix: String?

    public init() {}

    public func validate() throws {
        if user, prefix != nil { throw ValidationError("give --user or --prefix, not both") }
    }

    public func run() throws {
        let dir = try KernelSpec.install(into: KernelSpec.kernelsDirectory(prefix: prefix))
        print("installed the palm kernelspec in \(dir)")
    }
}
