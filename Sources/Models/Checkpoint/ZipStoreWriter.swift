import CZlib

/// Builds, in memory, a zip archive of STORED entries laid out as torch's writer (miniz) lays
/// out a checkpoint: every entry's data starts on a 64-byte boundary of the file (so
/// `torch.load(mmap=True)` can map storages in place), the gap being a local-header extra
/// field `"FB"` filled with `Z`s exactly as torch pads; real CRC-32s (zlib); ZIP64 fields only
/// for the sizes and offsets that need them, unless `zip64Always`.
///
/// Unlike miniz, sizes and CRCs go in the local header rather than a data descriptor after
/// the data (they are known before writing), so each local header is complete on its own.
///
/// Format (PKWARE APPNOTE 6.3): `[local header, data]* central-directory [zip64 end record,
/// zip64 locator] end-of-central-directory`. Read back by `ZipArchive`.
struct ZipStoreWriter {
    /// The data alignment torch uses (`torch.utils.serialization.config.save.storage_alignment`).
    static let alignment = 64

    private(set) var bytes: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0
    private var anyZip64 = false
    /// Every size and offset in ZIP64 fields, as miniz does past 4 GiB (tests use it to
    /// exercise the ZIP64 layout without writing 4 GiB).
    let zip64Always: Bool

    init(zip64Always: Bool = false) { self.zip64Always = zip64Always }

    private static let max32 = 0xFFFF_FFFF

    /// Appends a STORED entry. `name` must fit a 16-bit length (the caller checks).
    mutating func add(_ name: String, _ data: [UInt8]) {
        let nameBytes = Array(name.utf8)
        let offset = bytes.count
        let crc = Self.crc32(data)
        let sizeZip64 = zip64Always || data.count >= Self.max32
        let offsetZip64 = zip64Always || offset >= Self.max32
        let version: UInt64 = sizeZip64 || offsetZip64 ? 45 : 20
        anyZip64 = anyZip64 || sizeZip64 || offsetZip64

        // Local header: a ZIP64 extra field carries both sizes when either does not fit
        // (APPNOTE 4.5.3); then torch's padding field "FB", whose length makes the data start
        // on an alignment boundary.
        var extra: [UInt8] = []
        if sizeZip64 { extra += le(1, 2) + le(16, 2) + le(UInt64(data.count), 8) + le(UInt64(data.count), 8) }
        let unpadded = offset + 30 + nameBytes.count + extra.count + 4
        let padding = (Self.alignment - unpadded % Self.alignment) % Self.alignment
        extra += le(0x4246, 2) + le(UInt64(padding), 2) + [UInt8](repeating: 0x5A, count: padding)  // "FB", "ZZ..."
        let size32 = sizeZip64 ? UInt64(Self.max32) : UInt64(data.count)
        bytes += le(0x0403_4b50, 4) + le(version, 2) + le(Self.utf8Flag, 2) + le(0, 2)  // signature, needed, flags, STORED
        bytes += le(0, 2) + le(Self.dosDate, 2) + le(UInt64(crc), 4)                     // time, date, CRC-32
        bytes += le(size32, 4) + le(size32, 4) + le(UInt64(nameBytes.count), 2) + le(UInt64(extra.count), 2)
        bytes += nameBytes + extra
        bytes += data

        // Central directory entry: its ZIP64 field holds, in this order, only the values whose
        // 32-bit field reads 0xFFFFFFFF (uncompressed size, compressed size, local offset).
        var centralExtra: [UInt8] = []
        if sizeZip64 { centralExtra += le(UInt64(data.count), 8) + le(UInt64(data.count), 8) }
        if offsetZip64 { centralExtra += le(UInt64(offset), 8) }
        if !centralExtra.isEmpty { centralExtra = le(1, 2) + le(UInt64(centralExtra.count), 2) + centralExtra }
        central += le(0x0201_4b50, 4) + le(version, 2) + le(version, 2) + le(Self.utf8Flag, 2) + le(0, 2)
        central += le(0, 2) + le(Self.dosDate, 2) + le(UInt64(crc), 4) + le(size32, 4) + le(size32, 4)
        central += le(UInt64(nameBytes.count), 2) + le(UInt64(centralExtra.count), 2) + le(0, 2)  // name, extra, comment lengths
        central += le(0, 2) + le(0, 2) + le(0, 4)                                                  // disk, internal, external attributes
        central += le(offsetZip64 ? UInt64(Self.max32) : UInt64(offset), 4) + nameBytes + centralExtra
        count += 1
    }

    /// The whole archive: entries, central directory and end records.
    func finished() -> [UInt8] {
        var out = bytes
        let directoryOffset = out.count
        out += central
        let entries = UInt64(count), size = UInt64(central.count), start = UInt64(directoryOffset)
        let zip64 = zip64Always || anyZip64 || count >= 0xFFFF || central.count >= Self.max32 || directoryOffset >= Self.max32
        if zip64 {
            let record = out.count
            out += le(0x0606_4b50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4)
            out += le(entries, 8) + le(entries, 8) + le(size, 8) + le(start, 8)
            out += le(0x0706_4b50, 4) + le(0, 4) + le(UInt64(record), 8) + le(1, 4)   // locator: disk 0 of 1
            out += le(0x0605_4b50, 4) + le(0, 2) + le(0, 2) + le(0xFFFF, 2) + le(0xFFFF, 2)
            out += le(UInt64(Self.max32), 4) + le(UInt64(Self.max32), 4) + le(0, 2)
        } else {
            out += le(0x0605_4b50, 4) + le(0, 2) + le(0, 2) + le(entries, 2) + le(entries, 2)
            out += le(size, 4) + le(start, 4) + le(0, 2)
        }
        return out
    }

    /// General-purpose flag bit 11: names are UTF-8 (a file stem can be any text).
    private static let utf8Flag: UInt64 = 0x0800
    /// 1980-01-01, the earliest DOS date: a fixed timestamp keeps the output a function of
    /// the checkpoint alone.
    private static let dosDate: UInt64 = 0x0021

    /// zlib's CRC-32, fed in pieces that fit its 32-bit length argument.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc = CZlib.crc32(0, nil, 0)
        data.withUnsafeBufferPointer { buffer in
            var at = 0
            while at < buffer.count {
                let n = min(buffer.count - at, 1 << 30)
                crc = CZlib.crc32(crc, buffer.baseAddress! + at, uInt(n))
                at += n
            }
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    private func le(_ v: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
}
