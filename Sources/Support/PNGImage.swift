import CZlib
import Foundation

/// An RGBA image written as PNG (8 bits per channel, no interlacing): the signature, an IHDR
/// chunk, one IDAT chunk holding the zlib-deflated scanlines (each with filter byte 0), IEND;
/// every chunk closed by its CRC-32. Enough for the logos palm draws itself (the Jupyter
/// kernelspec's).
public struct PNGImage {
    public let width: Int
    public let height: Int
    /// Row-major RGBA bytes, `width * height * 4`.
    public var pixels: [UInt8]

    /// A transparent image.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 4)
    }

    /// Sets the pixel at column `x`, row `y` (0 at the top) to `rgba`.
    public mutating func set(_ x: Int, _ y: Int, _ rgba: (UInt8, UInt8, UInt8, UInt8)) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let i = (y * width + x) * 4
        pixels[i] = rgba.0; pixels[i + 1] = rgba.1; pixels[i + 2] = rgba.2; pixels[i + 3] = rgba.3
    }

    /// The PNG file's bytes.
    public func encoded() throws -> Data {
        var raw = [UInt8]()
        raw.reserveCapacity(height * (width * 4 + 1))
        for y in 0..<height {
            raw.append(0)  // filter: none
            raw += pixels[(y * width * 4)..<((y + 1) * width * 4)]
        }
        var out = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Self.bigEndian(UInt32(width)) + Self.bigEndian(UInt32(height))
        header += [8, 6, 0, 0, 0]  // 8-bit depth, RGBA, deflate, adaptive filtering, no interlace
        out += Self.chunk("IHDR", header)
        out += Self.chunk("IDAT", try Self.deflate(raw))
        out += Self.chunk("IEND", [])
        return out
    }

    /// Writes the PNG to `path` atomically (`createDirectory`: the parent folders first).
    public func write(to path: String, createDirectory: Bool = false) throws {
        try AtomicFile.write(try encoded(), to: path, createDirectory: createDirectory)
    }

    /// A chunk: length, type, data, CRC-32 of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    /// A zlib stream (what IDAT holds), at the best compression.
    static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { compress2(o.baseAddress, &size, $0.baseAddress, uLong($0.count), Z_BEST_COMPRESSION) }
        }
        guard status == Z_OK else { throw PNGError(description: "zlib could not compress the image (status \(status))") }
        return Array(out.prefix(Int(size)))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
}

/// A PNG that could not be made.
public struct PNGError: Error, CustomStringConvertible {
    public let description: String
}
