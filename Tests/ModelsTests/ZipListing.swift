import Foundation

/// A zip archive read the long way, for checking what `PyTorchCheckpointWriter` wrote without
/// trusting palm's own reader: the central directory, each entry's local header (its extra
/// fields, where the data starts), the data, and a CRC-32 computed here bit by bit (not by
/// zlib, which the writer uses).
struct ZipListing {
    struct Entry {
        let name: String
        let centralCRC: UInt32
        let localCRC: UInt32
        /// Sizes from the local header (after its ZIP64 field, if any) and the central directory.
        let localSize: Int, centralSize: Int
        let method: Int
        let localHeaderOffset: Int
        /// Where the data starts: local header + name + extra fields.
        let dataOffset: Int
        /// Local-header extra fields by id (1 = ZIP64, 0x4246 = torch's "FB" padding).
        let localExtras: [UInt16: [UInt8]]
        let centralExtras: [UInt16: [UInt8]]
        let data: [UInt8]
    }

    let entries: [Entry]
    /// Whether a ZIP64 end record and locator precede the end record.
    let hasZip64End: Bool

    init(path: String) throws {
        let b = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        func u(_ at: Int, _ width: Int) -> Int { (0..<width).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) } }
        func fail(_ why: String) -> Error { NSError(domain: "ZipListing", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(path): \(why)"]) }
        func extras(_ from: Int, _ length: Int) -> [UInt16: [UInt8]] {
            var out: [UInt16: [UInt8]] = [:], e = from
            while e + 4 <= from + length {
                let id = UInt16(u(e, 2)), n = u(e + 2, 2)
                out[id] = Array(b[(e + 4)..<(e + 4 + n)])
                e += 4 + n
            }
            return out
        }
        func u64(_ field: [UInt8], _ index: Int) -> Int { (0..<8).reduce(0) { $0 | Int(field[8 * index + $1]) << (8 * $1) } }

        guard b.count >= 22, u(b.count - 22, 4) == 0x0605_4b50 else { throw fail("no end record in the last 22 bytes") }
        let end = b.count - 22
        hasZip64End = end >= 20 && u(end - 20, 4) == 0x0706_4b50
        var count = u(end + 10, 2), offset = u(end + 16, 4)
        if hasZip64End {
            let record = u(end - 20 + 8, 8)
            guard u(record, 4) == 0x0606_4b50 else { throw fail("ZIP64 locator points at no ZIP64 end record") }
            count = u(record + 32, 8)
            offset = u(record + 48, 8)
        }
        var list: [Entry] = []
        var q = offset
        for _ in 0..<count {
            guard u(q, 4) == 0x0201_4b50 else { throw fail("central entry at \(q) has no signature") }
            let nameLength = u(q + 28, 2), extraLength = u(q + 30, 2), commentLength = u(q + 32, 2)
            let name = String(decoding: b[(q + 46)..<(q + 46 + nameLength)], as: UTF8.self)
            let central = extras(q + 46 + nameLength, extraLength)
            // The central ZIP64 field lists only the values whose 32-bit field is 0xFFFFFFFF.
            var size = u(q + 24, 4), local = u(q + 42, 4), next = 0
            if let z = central[1] {
                if size == 0xFFFF_FFFF { size = u64(z, next); next += 2 }  // uncompressed, then compressed
                if local == 0xFFFF_FFFF { local = u64(z, next) }
            }
            guard u(local, 4) == 0x0403_4b50 else { throw fail("entry \(name): no local header at \(local)") }
            let localNameLength = u(local + 26, 2), localExtraLength = u(local + 28, 2)
            let localExtras = extras(local + 30 + localNameLength, localExtraLength)
            var localSize = u(local + 22, 4)
            if localSize == 0xFFFF_FFFF, let z = localExtras[1] { localSize = u64(z, 0) }
            let start = local + 30 + localNameLength + localExtraLength
            list.append(Entry(name: name, centralCRC: UInt32(u(q + 16, 4)), localCRC: UInt32(u(local + 14, 4)),
                              localSize: localSize, centralSize: size, method: u(q + 10, 2), localHeaderOffset: local,
                              dataOffset: start, localExtras: localExtras, centralExtras: central,
                              data: Array(b[start..<(start + size)])))
            q += 46 + nameLength + extraLength + commentLength
        }
        entries = list
    }

    func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// CRC-32 (ISO-HDLC, the zip one), bit by bit.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
