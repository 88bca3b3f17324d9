import Foundation

/// The central directory of a zip archive held in a `MappedFile`, as PyTorch writes it for
/// `torch.save` (every entry STORED, data aligned inside the file, ZIP64 end records always
/// present). Only the directory is parsed; entry data is located on demand, so opening a 2 GB
/// checkpoint touches a few pages at its end.
///
/// Format (PKWARE APPNOTE 6.3): `[local header, data]* central-directory [zip64 end record,
/// zip64 locator] end-of-central-directory`.
struct ZipArchive {
    /// One entry of the central directory.
    struct Entry {
        let name: String
        /// 0 = STORED, 8 = DEFLATE, ...
        let method: UInt16
        let flags: UInt16
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    let file: MappedFile
    /// Entries by name, in directory order.
    let entries: [Entry]
    private let index: [String: Int]

    private static let endSignature: UInt64 = 0x0605_4b50
    private static let zip64EndSignature: UInt64 = 0x0606_4b50
    private static let zip64LocatorSignature: UInt64 = 0x0706_4b50
    private static let centralSignature: UInt64 = 0x0201_4b50
    private static let localSignature: UInt64 = 0x0403_4b50

    init(_ file: MappedFile) throws {
        self.file = file
        let size = file.bytes.count
        let path = file.path
        func bad(_ reason: String) -> CheckpointError { .malformed(path: path, reason: reason) }

        // The end record is the last 22 bytes unless a comment (at most 65535 bytes) follows it.
        guard size >= 22 else { throw bad("not a zip archive (\(size) bytes, no end-of-central-directory record)") }
        var end = -1
        var p = size - 22
        let lowest = max(0, size - 22 - 65535)
        while p >= lowest {
            if file.uint(at: p, width: 4) == Self.endSignature, p + 22 + Int(file.uint(at: p + 20, width: 2)) == size {
                end = p; break
            }
            p -= 1
        }
        guard end >= 0 else {
            // torch.save before 1.6 (and `_use_new_zipfile_serialization=False`) wrote a bare
            // pickle stream, which starts with the PROTO opcode.
            if size > 2, file.bytes[0] == 0x80, file.bytes[1] <= 5, file.uint(at: 0, width: 4) != 0x0403_4b50 {
                throw bad("not a zip archive: this looks like PyTorch's legacy (pre-1.6) format, which palm does not read; re-save it with torch.save in a current PyTorch")
            }
            throw bad("not a zip archive (no end-of-central-directory record; is the file truncated?)")
        }

        var count = Int(file.uint(at: end + 10, width: 2))
        var directorySize = Int(file.uint(at: end + 12, width: 4))
        var directoryOffset = Int(file.uint(at: end + 16, width: 4))
        // ZIP64: a locator just before the end record points at the zip64 end record, whose
        // 64-bit counts replace the 0xFFFF/0xFFFFFFFF placeholders. torch always writes both.
        if end >= 20, file.uint(at: end - 20, width: 4) == Self.zip64LocatorSignature {
            let z = Int(clamping: file.uint(at: end - 20 + 8, width: 8))
            guard z <= end - 20 - 56, file.uint(at: z, width: 4) == Self.zip64EndSignature else {
                throw bad("the ZIP64 locator points outside the file or at no ZIP64 end record")
            }
            count = Int(clamping: file.uint(at: z + 32, width: 8))
            directorySize = Int(clamping: file.uint(at: z + 40, width: 8))
            directoryOffset = Int(clamping: file.uint(at: z + 48, width: 8))
        }
        // (Subtractions, not sums: every count here comes from the file and may be corrupt.)
        guard directoryOffset <= end, directorySize <= end - directoryOffset else {
            throw bad("central directory (offset \(directoryOffset), \(directorySize) bytes) lies outside the \(size)-byte file; is it truncated?")
        }

        var list: [Entry] = []
        list.reserveCapacity(min(count, 1 << 20))
        var q = directoryOffset
        let directoryEnd = directoryOffset + directorySize
        for i in 0..<count {
            guard q + 46 <= directoryEnd, file.uint(at: q, width: 4) == Self.centralSignature else {
                throw bad("central directory entry \(i) of \(count) is missing or damaged")
            }
            let flags = UInt16(file.uint(at: q + 8, width: 2))
            let method = UInt16(file.uint(at: q + 10, width: 2))
            var compressed = file.uint(at: q + 20, width: 4)
            var uncompressed = file.uint(at: q + 24, width: 4)
            let nameLength = Int(file.uint(at: q + 28, width: 2))
            let extraLength = Int(file.uint(at: q + 30, width: 2))
            let commentLength = Int(file.uint(at: q + 32, width: 2))
            var local = file.uint(at: q + 42, width: 4)
            let next = q + 46 + nameLength + extraLength + commentLength
            guard next <= directoryEnd else { throw bad("central directory entry \(i) runs past the directory") }
            let name = String(decoding: file.bytes[(q + 46)..<(q + 46 + nameLength)], as: UTF8.self)
            // The ZIP64 extra field (id 1) holds, in this order, each of uncompressed size,
            // compressed size and local header offset whose 32-bit field is 0xFFFFFFFF.
            var e = q + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = file.uint(at: e, width: 2), len = Int(file.uint(at: e + 2, width: 2))
                guard e + 4 + len <= extraEnd else { throw bad("extra field of entry '\(name)' runs past its end") }
                if id == 1 {
                    var f = e + 4
                    func next64() throws -> UInt64 {
                        guard f + 8 <= e + 4 + len else { throw bad("ZIP64 extra field of entry '\(name)' is too short") }
                        defer { f += 8 }
                        return file.uint(at: f, width: 8)
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try next64() }
                    if compressed == 0xFFFF_FFFF { compressed = try next64() }
                    if local == 0xFFFF_FFFF { local = try next64() }
                }
                e += 4 + len
            }
            list.append(Entry(name: name, method: method, flags: flags, compressedSize: Int(clamping: compressed),
                              size: Int(clamping: uncompressed), localHeaderOffset: Int(clamping: local)))
            q = next
        }
        entries = list
        var idx: [String: Int] = [:]
        for (i, entry) in list.enumerated() { idx[entry.name] = i }
        index = idx
    }

    func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The bytes of a STORED entry, checked to lie inside the file. Compressed or encrypted
    /// entries are refused: torch never writes them, and inflating would defeat lazy mapping.
    func data(of entry: Entry) throws -> UnsafeRawBufferPointer {
        let path = file.path
        guard entry.method == 0 else {
            throw CheckpointError.unsupported(path: path, reason: "zip entry '\(entry.name)' is compressed (method \(entry.method)); palm reads only STORED entries as torch.save writes them (re-save the checkpoint with torch.save)")
        }
        guard entry.flags & 1 == 0 else {
            throw CheckpointError.unsupported(path: path, reason: "zip entry '\(entry.name)' is encrypted")
        }
        let h = entry.localHeaderOffset
        guard h <= file.bytes.count - 30, file.uint(at: h, width: 4) == Self.localSignature else {
            throw CheckpointError.malformed(path: path, reason: "local header of zip entry '\(entry.name)' is missing (offset \(h)); is the file truncated?")
        }
        let start = h + 30 + Int(file.uint(at: h + 26, width: 2)) + Int(file.uint(at: h + 28, width: 2))
        guard start <= file.bytes.count, entry.size <= file.bytes.count - start else {
            throw CheckpointError.malformed(path: path, reason: "zip entry '\(entry.name)' (\(entry.size) bytes at offset \(start)) runs past the end of the \(file.bytes.count)-byte file; is it truncated?")
        }
        return UnsafeRawBufferPointer(rebasing: file.bytes[start..<(start + entry.size)])
    }
}
