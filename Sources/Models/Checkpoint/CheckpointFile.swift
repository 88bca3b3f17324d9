import Foundation

/// Opening a checkpoint by what it contains rather than by its extension (`.pth`, `.pt`,
/// `.bin` and `.ckpt` are all used for PyTorch zips; `.safetensors` files are sometimes renamed).
public enum CheckpointFile {
    /// A `PyTorchCheckpoint` when the file starts like a zip archive or a pickle stream (the
    /// legacy torch format, which then fails with a message naming it), else a
    /// `SafeTensorsFile`. The file is mapped once, after `InputFile.requireRegular` (a FIFO is
    /// refused, never opened). Errors name the path.
    public static func open(_ path: String) throws -> TensorSource {
        let file = try MappedFile(path: path)
        let head = file.bytes.prefix(2)
        let zip = head.count == 2 && head[0] == 0x50 && head[1] == 0x4B  // "PK"
        let pickle = head.first == 0x80
        return zip || pickle ? try PyTorchCheckpoint(file: file) : try SafeTensorsFile(file: file)
    }
}
