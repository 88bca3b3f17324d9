import Foundation
import XCTest

/// Builders of hostile tensor files for the reader tests: `.safetensors` files from a header
/// text and data bytes, and torch zip checkpoints from pickle opcodes. Every number a reader
/// checks can be set to a lie.
enum HostileCheckpoints {
    /// A `.safetensors` file: the 8-byte header length (`declaredLength`, by default the
    /// header's real length), the header text, then `data`.
    static func safeTensors(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
        let h = Array(header.utf8)
        return TorchZipWriter.le(declaredLength ?? UInt64(h.count), 8) + h + data
    }

    /// `bytes` written to a scratch file named after `name`; the caller removes it.
    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let path = ModelsFixtures.temporary(name)
        try overwrite(path, with: bytes)
        return path
    }

    /// Replaces the file at `path` with one holding `bytes`. Fuzz tests write thousands of
    /// inputs: a new file each time, since truncating one that was just mapped, as
    /// `Data.write` does, takes milliseconds.
    static func overwrite(_ path: String, with bytes: [UInt8]) throws {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }

    /// A torch zip holding `pickle` as `archive/data.pkl` and each of `storages` as
    /// `archive/data/<key>`, written to a scratch file; the caller removes it.
    static func torchZip(pickle: [UInt8], storages: [(key: String, bytes: [UInt8])] = [], name: String) throws -> String {
        let path = ModelsFixtures.temporary(name)
        try TorchZipWriter.write([("archive/data.pkl", .bytes(pickle))] + storages.map { ("archive/data/\($0.key)", .bytes($0.bytes)) }, to: path)
        return path
    }

    /// Little-endian float32 bytes of `values`.
    static func float32(_ values: [Float]) -> [UInt8] { values.flatMap { TorchZipWriter.le(UInt64($0.bitPattern), 4) } }

    /// Asserts that `body` throws an error whose message holds every one of `parts` (the file,
    /// the tensor, what was expected), and returns the message.
    @discardableResult
    static func assertRefused(_ body: @autoclosure () throws -> Any, mentioning parts: [String],
                              file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try body()
            XCTFail("accepted; expected an error mentioning \(parts)", file: file, line: line)
            return ""
        } catch {
            let message = "\(error)"
            for p in parts where !message.contains(p) {
                XCTFail("the error does not mention \(p): \(message)", file: file, line: line)
            }
            return message
        }
    }
}

/// A pickle written opcode by opcode (protocol 2, as `torch.save` writes state dicts), for
/// checkpoints whose numbers lie.
struct PickleOps {
    private(set) var bytes: [UInt8] = [0x80, 0x02]  // PROTO 2

    mutating func op(_ code: UInt8) { bytes.append(code) }
    mutating func raw(_ b: [UInt8]) { bytes += b }
    /// BINUNICODE.
    mutating func text(_ s: String) { let u = Array(s.utf8); bytes += [0x58] + TorchZipWriter.le(UInt64(u.count), 4) + u }
    /// LONG1 of 8 bytes: any Int, negative ones included.
    mutating func int(_ v: Int) { bytes += [0x8A, 8] + TorchZipWriter.le(UInt64(bitPattern: Int64(v)), 8) }
    /// GLOBAL.
    mutating func global(_ module: String, _ name: String) { bytes += [0x63] + Array("\(module)\n\(name)\n".utf8) }
    /// MARK, the integers, TUPLE.
    mutating func tuple(_ ints: [Int]) {
        op(0x28)
        for v in ints { int(v) }
        op(0x74)
    }

    /// One tensor as `torch._utils._rebuild_tensor_v2(storage, offset, shape, strides, False,
    /// OrderedDict())`, its storage `('storage', torch.<storageType>, key, 'cpu', count)`.
    mutating func tensor(storage key: String, type storageType: String = "FloatStorage", count: Int,
                         offset: Int = 0, shape: [Int], strides: [Int]) {
        global("torch._utils", "_rebuild_tensor_v2")
        op(0x28)  // MARK: the arguments
        op(0x28); text("storage"); global("torch", storageType); text(key); text("cpu"); int(count); op(0x74)
        op(0x51)  // BINPERSID
        int(offset)
        tuple(shape)
        tuple(strides)
        op(0x89)  // False (requires_grad)
        global("collections", "OrderedDict"); op(0x29); op(0x52)  // OrderedDict()
        op(0x74)  // TUPLE
        op(0x52)  // REDUCE
    }

    /// `{name: tensor}` for each tensor written by `tensors`, then STOP.
    static func stateDict(_ tensors: [(name: String, write: (inout PickleOps) -> Void)]) -> [UInt8] {
        var p = PickleOps()
        p.op(0x7D)  // EMPTY_DICT
        for t in tensors {
            p.text(t.name)
            t.write(&p)
            p.op(0x73)  // SETITEM
        }
        p.op(0x2E)
        return p.bytes
    }
}
