import Foundation
import Support

/// Reading the text files a script names (`palm run FILE`, `load`, `read_file`, the REPL's
/// `:load`): a FIFO, socket, device or directory is refused before `open` (a FIFO would block
/// it forever, a device could stream without end), and the text must fit the memory budget.
public enum TextFile {
    /// The UTF-8 text of `path`, which must be a regular file; errors name the file and `role`
    /// ("script", "text file").
    public static func read(_ path: String, role: String) throws -> String {
        let size: Int
        do {
            size = try InputFile.requireRegular(path, role: role)
        } catch let e as InputFileError {
            throw ScriptError.runtime(e.description)
        }
        try AllocationBudget.require(size, .string)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScriptError.runtime("cannot read \(InputFile.printable(path)) as a \(role): permission denied or unreadable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScriptError.runtime("cannot read \(InputFile.printable(path)) as a \(role): it is not UTF-8 text")
        }
        return text
    }
}
