import Foundation

/// A RIFF/WAVE file built field by field, so the header fuzz test can set any field to any
/// value (libsndfile, through `AudioWriter`, only writes consistent headers).
struct WaveFileBytes {
    /// WAVE_FORMAT_EXTENSIBLE's sub-format GUIDs (the first two bytes are the format tag).
    static let pcmGUID: [UInt8] = [0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
    static let floatGUID: [UInt8] = [0x03] + pcmGUID.dropFirst()
    /// Ambisonic B-format PCM (libsndfile knows it).
    static let ambisonicGUID: [UInt8] = [0x01, 0x00, 0x00, 0x00, 0x21, 0x07, 0xD3, 0x11, 0x86, 0x44, 0xC8, 0xC1, 0xCA, 0x00, 0x00, 0x00]

    var formatTag: UInt16
    var channels: UInt16
    var sampleRate: UInt32
    var bitsPerSample: UInt16
    /// nil: `channels * bitsPerSample / 8`.
    var blockAlign: UInt16?
    /// nil: `sampleRate * blockAlign`.
    var byteRate: UInt32?
    /// Extensible fields (cbSize 22, valid bits, channel mask, sub-format), when set.
    var extensible: (validBits: UInt16, channelMask: UInt32, subFormat: [UInt8])?
    /// nil: the real size of the fmt body.
    var fmtSize: UInt32?
    /// The sample bytes.
    var data: [UInt8]
    /// nil: `data.count`.
    var dataSize: UInt32?
    /// nil: the real size after "RIFF" + size.
    var riffSize: UInt32?
    /// Chunks written between fmt and data (id, declared size, body).
    var extraChunks: [(id: String, size: UInt32, body: [UInt8])] = []
    /// Put the data chunk before the fmt chunk.
    var dataFirst = false
    /// Leave the fmt chunk out.
    var omitFmt = false

    /// A PCM/float file from samples in [-1, 1] (interleaved), in the canonical 44-byte layout.
    init(samples: [Float], channels: UInt16, sampleRate: UInt32, bits: UInt16, float: Bool = false) {
        formatTag = float ? 3 : 1
        self.channels = channels
        self.sampleRate = sampleRate
        bitsPerSample = bits
        var d: [UInt8] = []
        for s in samples {
            let v = max(-1, min(1, Double(s)))
            switch (float, bits) {
            case (true, _): d += Self.le32(Float(v).bitPattern)
            case (false, 8): d.append(UInt8(clamping: Int((v * 127).rounded()) + 128))
            case (false, 16): d += Self.le16(UInt16(bitPattern: Int16(clamping: Int((v * 32767).rounded()))))
            case (false, 24):
                let i = UInt32(bitPattern: Int32(clamping: Int((v * 8_388_607).rounded())))
                d += [UInt8(i & 0xFF), UInt8(i >> 8 & 0xFF), UInt8(i >> 16 & 0xFF)]
            default: d += Self.le32(UInt32(bitPattern: Int32(clamping: Int((v * 2_147_483_647).rounded()))))
            }
        }
        data = d
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }

    /// The file's bytes.
    var bytes: [UInt8] {
        let align = blockAlign ?? UInt16(truncatingIfNeeded: Int(channels) * Int(bitsPerSample) / 8)
        var fmt = Self.le16(formatTag) + Self.le16(channels) + Self.le32(sampleRate)
            + Self.le32(byteRate ?? sampleRate &* UInt32(align)) + Self.le16(align) + Self.le16(bitsPerSample)
        if let x = extensible {
            fmt += Self.le16(22) + Self.le16(x.validBits) + Self.le32(x.channelMask) + x.subFormat
        }
        func chunk(_ id: String, _ size: UInt32, _ body: [UInt8]) -> [UInt8] {
            Array(id.utf8.prefix(4)) + Self.le32(size) + body + (body.count % 2 == 1 ? [0] : [])
        }
        let fmtChunk = omitFmt ? [] : chunk("fmt ", fmtSize ?? UInt32(fmt.count), fmt)
        let dataChunk = chunk("data", dataSize ?? UInt32(data.count), data)
        let extras = extraChunks.flatMap { chunk($0.id, $0.size, $0.body) }
        let body = Array("WAVE".utf8) + (dataFirst ? dataChunk + fmtChunk + extras : fmtChunk + extras + dataChunk)
        return Array("RIFF".utf8) + Self.le32(riffSize ?? UInt32(body.count)) + body
    }
}
