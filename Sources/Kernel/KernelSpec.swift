import Foundation
import Reports
import Support

/// The kernelspec Jupyter finds palm by: a folder `kernels/palm` holding `kernel.json` (how to
/// start the kernel: `palm kernel --connection-file {connection_file}`, the display name, the
/// language, interrupts by message) and the logos, all written atomically.
public enum KernelSpec {
    /// The kernel's name (its folder, `jupyter kernelspec list`, a notebook's kernelspec).
    public static let name = JupyterNotebook.kernelName

    /// `kernel.json` for the palm executable at `executable`.
    public static func kernelJSON(executable: String) -> JSONValue {
        [
            "argv": [.string(executable), "kernel", "--connection-file", "{connection_file}"],
            "display_name": "palm",
            "language": "palm",
            // Interrupts come as `interrupt_request` on the control socket (no signal needed,
            // so a kernel on another machine or in a container can be interrupted too).
            "interrupt_mode": "message",
            "metadata": [:],
        ]
    }

    /// The `kernels` folder to install into: `PREFIX/share/jupyter/kernels` with a prefix,
    /// else the user's Jupyter data folder, found as Jupyter finds it (`$JUPYTER_DATA_DIR`, else
    /// `$XDG_DATA_HOME/jupyter` or `$HOME/.local/share/jupyter`; `$HOME/Library/Jupyter` on macOS).
    public static func kernelsDirectory(prefix: String?) -> String {
        if let prefix { return ((prefix as NSString).expandingTildeInPath as NSString).appendingPathComponent("share/jupyter/kernels") }
        let env = ProcessInfo.processInfo.environment
        if let d = env["JUPYTER_DATA_DIR"], !d.isEmpty { return (d as NSString).expandingTildeInPath + "/kernels" }
        // `$HOME` first, as Jupyter reads it (Foundation's home on Linux is the passwd entry's).
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        #if os(macOS)
        return home + "/Library/Jupyter/kernels"
        #else
        let data = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/share"
        return data + "/jupyter/kernels"
        #endif
    }

    /// Writes the kernelspec into `kernelsDirectory/palm`; returns that folder.
    @discardableResult
    public static func install(into kernelsDirectory: String, executable: String = KernelSpec.executablePath) throws -> String {
        let dir = (kernelsDirectory as NSString).appendingPathComponent(name)
        try AtomicFile.write(kernelJSON(executable: executable).encoded(pretty: true) + Data("\n".utf8),
                             to: dir + "/kernel.json", createDirectory: true)
        for size in [32, 64] {
            try KernelLogo.image(size: size).write(to: "\(dir)/logo-\(size)x\(size).png")
        }
        return dir
    }

    /// The absolute path of the running executable (what `kernel.json` starts).
    public static var executablePath: String {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        let arg0 = CommandLine.arguments[0]
        if arg0.hasPrefix("/") { return arg0 }
        if arg0.contains("/") { return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(arg0) }
        return arg0
    }
}
