import Foundation
import Support
import Tensor

/// One cached result: the file it belongs to, and its embedding or why it failed.
struct FeatureRecord: Equatable {
    enum Outcome: Equatable {
        case embedding([Float])
        case failure(String)
    }
    var identity: FileIdentity
    var outcome: Outcome
}

/// The on-disk format of a feature-store file (a split's consolidated file, or one chunk).
///
/// ```
/// file   = magic "PALMFEAT" | u32 version (1) | u32 dimension | record*
/// record = u32 n | body (n bytes) | u64 FNV-1a-64(body)
/// body   = u16 p | path (p bytes, UTF-8) | i64 size | i64 mtime_ns | u8 status
///          status 0: f32 x dimension     status 1: u32 r | reason (r bytes, UTF-8)
/// ```
/// All integers and floats little-endian. Every record carries its own checksum, so a
/// corrupted byte costs only the records it touches: they are dropped (and recomputed), the
/// rest stay usable. Parsing stops at a record that runs past the end of the file.
enum FeatureFile {
    static let magic = Array("PALMFEAT".utf8)
    static let version: UInt32 = 1

    /// Serializes `records`.
    static func encode(_ records: [FeatureRecord], dimension: Int) -> [UInt8] {
        var out = magic
        out.appendLE(version)
        out.appendLE(UInt32(dimension))
        var body: [UInt8] = []
        for r in records {
            body.removeAll(keepingCapacity: true)
            let path = Array(r.identity.path.utf8)
            body.appendLE(UInt16(path.count))
            body += path
            body.appendLE(UInt64(bitPattern: r.identity.size))
            body.appendLE(UInt64(bitPattern: r.identity.mtimeNanoseconds))
            switch r.outcome {
            case .embedding(let v):
                body.append(0)
                #if _endian(little)
                v.withUnsafeBytes { body.append(contentsOf: $0) }   // already little-endian: one copy
                #else
                for x in v { body.appendLE(x.bitPattern) }
                #endif
            case .failure(let reason):
                body.append(1)
                let bytes = Array(reason.utf8)
                body.appendLE(UInt32(bytes.count))
                body += bytes
            }
            out.appendLE(UInt32(body.count))
            out += body
            out.appendLE(fnv1a(body[...]))
        }
        return out
    }

    /// Parses a file's bytes. Returns the intact records and how many were corrupt (bad
    /// checksum, bad structure, wrong dimension, or a truncated tail). A wrong magic, version or
    /// dimension makes the whole file count as one corrupt record.
    static func decode(_ bytes: [UInt8], dimension: Int) -> (records: [FeatureRecord], corrupt: Int) {
        guard bytes.count >= 16, Array(bytes[0..<8]) == magic,
              bytes.readLE(UInt32.self, at: 8) == version,
              bytes.readLE(UInt32.self, at: 12) == UInt32(dimension) else {
            return ([], bytes.isEmpty ? 0 : 1)
        }
        var records: [FeatureRecord] = []
        var corrupt = 0
        var at = 16
        while at < bytes.count {
            guard at + 4 <= bytes.count else { corrupt += 1; break }
            let n = Int(bytes.readLE(UInt32.self, at: at))
            guard n <= bytes.count - at - 12 else { corrupt += 1; break }
            let body = bytes[(at + 4)..<(at + 4 + n)]
            let sum = bytes.readLE(UInt64.self, at: at + 4 + n)
            at += 12 + n
            guard sum == fnv1a(body), let record = parseBody(Array(body), dimension: dimension) else { corrupt += 1; continue }
            records.append(record)
        }
        return (records, corrupt)
    }

    private static func parseBody(_ b: [UInt8], dimension: Int) -> FeatureRecord? {
        guard b.count >= 2 else { return nil }
        let p = Int(b.readLE(UInt16.self, at: 0))
        guard b.count >= 2 + p + 17 else { return nil }
        guard let path = String(validating: b[2..<(2 + p)], as: UTF8.self) else { return nil }
        var at = 2 + p
        let size = Int64(bitPattern: b.readLE(UInt64.self, at: at))
        let mtime = Int64(bitPattern: b.readLE(UInt64.self, at: at + 8))
        let status = b[at + 16]
        at += 17
        let identity = FileIdentity(path: path, size: size, mtimeNanoseconds: mtime)
        switch status {
        case 0:
            guard b.count == at + 4 * dimension else { return nil }
            let v = b.withUnsafeBytes { raw in
                (0..<dimension).map {
                    Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 4 * $0, as: UInt32.self)))
                }
            }
            return FeatureRecord(identity: identity, outcome: .embedding(v))
        case 1:
            guard b.count >= at + 4 else { return nil }
            let r = Int(b.readLE(UInt32.self, at: at))
            guard b.count == at + 4 + r, let reason = String(validating: b[(at + 4)...], as: UTF8.self) else { return nil }
            return FeatureRecord(identity: identity, outcome: .failure(reason))
        default:
            return nil
        }
    }

    /// The record checksum (FNV-1a 64, see `FNV1a64`).
    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 { FNV1a64.hash(bytes) }

    /// The bytes of `path`, or nil when no regular file is there. Something else at the path
    /// (a FIFO, a device, a directory) is never opened: opening a FIFO blocks until a writer
    /// appears. The store then treats the file as absent and writes a real one in its place.
    static func read(_ path: String) -> [UInt8]? {
        guard case .regular = InputFile.kind(of: path) else { return nil }
        return FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

extension Collection where Element == UInt8, Index == Int {
    func readLE<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v |= T(self[offset + i]) << (8 * i) }
        return v
    }
}
