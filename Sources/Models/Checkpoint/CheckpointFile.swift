import Foundation

/// Opening a checkpoint by what it contains rather than by its extension (`.pth`, `.pt`,
/// `.bin` and `.ckpt` are all used for PyTorch zips; `.safetensors` files are sometimes renamed).
public enum CheckpointFile {
    /// A `PyTorchCheckpoint` when the file starts like a zip archive or a pickle stream (the
    /// legacy torch format, which then fails with a message naming it), else a
    /// `SafeTensorsFile`. Errors name the path.
    public static func open(_ path: String) throws -> TensorSource {
        guard let fh = FileHandle(forReadingAtPath: path) else {
            throw CheckpointError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let head = [UInt8]((try? fh.read(upToCount: 4)) ?? Data())
        try? fh.close()
        let zip = head.count >= 2 && head[0] == 0x50 && head[1] == 0x4B  // "PK"
        let pickle = head.first == 0x80
        return zip || pickle ? try PyTorchCheckpoint(path: path) : try SafeTensorsFile(path: path)
    }
}
