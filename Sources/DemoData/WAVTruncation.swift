import Foundation
import Support

/// Cuts a PCM WAV file to at most a given duration, in place of re-encoding: timidity keeps
/// rendering a note's release until the voice dies away (up to 7 s for some FreePats patches),
/// and the demo wants every evaluation clip to be the note plus a short release, the same
/// length for every class (so clip length is no cue) and one aisfx block long.
public enum WAVTruncation {
    /// Rewrites `path` keeping at most `seconds` of audio. Reads the `fmt ` chunk for the rate
    /// and frame size, cuts the `data` chunk at a whole frame, fixes the RIFF and data sizes and
    /// drops any chunk after the data. Files already short enough are left as they are.
    public static func truncate(_ path: String, seconds: Double) throws {
        let url = URL(fileURLWithPath: path)
        let bytes = [UInt8](try Data(contentsOf: url))
        func u32(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 | Int(bytes[o + 2]) << 16 | Int(bytes[o + 3]) << 24 }
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        guard bytes.count >= 12, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46], bytes[8..<12] == [0x57, 0x41, 0x56, 0x45] else {
            throw DemoCorpusError.io(path: path, reason: "not a RIFF/WAVE file")
        }
        var offset = 12
        var rate = 0, blockAlign = 0
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self), size = u32(offset + 4)
            if id == "fmt " && offset + 22 <= bytes.count { rate = u32(offset + 12); blockAlign = u16(offset + 20) }
            if id == "data" {
                guard rate > 0, blockAlign > 0 else { throw DemoCorpusError.io(path: path, reason: "data chunk before fmt chunk") }
                let available = min(size, bytes.count - offset - 8)
                let keep = min(available, Int(seconds * Double(rate)) * blockAlign)
                if keep == size && offset + 8 + size == bytes.count { return }
                var out = Array(bytes[0..<(offset + 8 + keep)])
                func put32(_ o: Int, _ v: Int) { for k in 0..<4 { out[o + k] = UInt8((v >> (8 * k)) & 0xFF) } }
                put32(offset + 4, keep)
                put32(4, out.count - 8)
                try AtomicFile.write(out, to: path)
                return
            }
            offset += 8 + size + (size & 1)
        }
        throw DemoCorpusError.io(path: path, reason: "no data chunk")
    }
}
