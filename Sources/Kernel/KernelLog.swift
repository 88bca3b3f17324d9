import Foundation

/// The kernel's log file (`palm kernel --log FILE`): lines appended as they come, so a
/// refused message or a failed socket shows even when Jupyter drops the kernel's stderr.
public enum KernelLog {
    /// Appends `text` to `path`, creating the file when needed (failures are ignored: a log
    /// must never stop the kernel).
    public static func append(_ text: String, to path: String) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
