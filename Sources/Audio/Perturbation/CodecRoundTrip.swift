import CSndFile
import Foundation
import Tensor

/// Lossy codec round trips through libsndfile, in memory (`MemoryAudioFile`).
///
/// Alignment: an MP3 encoder delays its output (LAME: 576 samples plus the decoder's 529) and
/// pads the last frame, and a decoder trims both only when it honours the encoder's gapless
/// tag. Rather than trust one library version, the delay is measured once per format, rate
/// and quality: a fixed probe (a seeded white-noise burst in silence) is round-tripped and the
/// lag of the peak of its cross-correlation with the original, within +-8192 samples, is
/// the delay. Each clip's decoded samples are then read from that lag on, cut or zero-padded
/// to the input's length. (With the libsndfile 1.2 + LAME + mpg123 of palm's Debian base the
/// measured delay is 0 for MP3 and Vorbis and the decoded length equals the input's: LAME's
/// tag is written and honoured. The measurement keeps the output aligned where it is not.)
enum CodecRoundTrip {
    /// The perturbed clip: `x` encoded and decoded, aligned to `x` and of its length.
    static func apply(_ x: [Float], sampleRate: Int, format: Perturbation.CodecFormat, quality: Double,
                      path: String) throws(AudioError) -> [Float] {
        if x.isEmpty { return x }
        if let p = problem(format: format, sampleRate: sampleRate) { throw .unsupportedFormat(path: path, reason: p) }
        let lag = try delay(format: format, sampleRate: sampleRate, quality: quality, path: path)
        let y = try roundTrip(x, sampleRate: sampleRate, format: format, quality: quality, path: path)
        var out = [Float](repeating: 0, count: x.count)
        let first = max(0, -lag), last = min(x.count, y.count - lag)
        if last > first { for i in first..<last { out[i] = y[i + lag] } }
        return out
    }

    /// The rates MPEG-1, 2 and 2.5 Layer III can carry (`sf_format_check` does not check them;
    /// only opening the encoder does).
    static let mpegRates = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000]

    /// Why `format` cannot be written at `sampleRate` by this libsndfile, or nil.
    static func problem(format: Perturbation.CodecFormat, sampleRate: Int) -> String? {
        let file = fileFormat(format)
        if !file.isWritable(sampleRate: 44100, channels: 1) {
            return format == .mp3
                ? "this libsndfile cannot encode MP3 (it needs libsndfile >= 1.1 built with LAME and mpg123)"
                : "this libsndfile cannot encode Ogg Vorbis (it needs libsndfile built with libvorbis)"
        }
        if format == .mp3 && !mpegRates.contains(sampleRate) {
            return "MP3 cannot encode \(sampleRate) Hz audio (MPEG rates: \(mpegRates.map(String.init).joined(separator: ", ")))"
        }
        if !file.isWritable(sampleRate: sampleRate, channels: 1) {
            return "libsndfile cannot encode \(format.rawValue) at \(sampleRate) Hz"
        }
        return nil
    }

    static func fileFormat(_ format: Perturbation.CodecFormat) -> AudioFileFormat {
        format == .mp3 ? .mp3 : .oggVorbis
    }

    /// `x` encoded at libsndfile compression level `1 - quality` and decoded, unaligned.
    static func roundTrip(_ x: [Float], sampleRate: Int, format: Perturbation.CodecFormat, quality: Double,
                          path: String) throws(AudioError) -> [Float] {
        let buffer = MemoryAudioFile()
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = 1
        info.format = fileFormat(format).sndfileFormat
        guard let writer = buffer.open(mode: Int32(SFM_WRITE), info: &info) else {
            throw .unsupportedFormat(path: path, reason: "libsndfile cannot encode \(format.rawValue): \(String(cString: sf_strerror(nil)))")
        }
        // libsndfile hands MP3's level to LAME as VBR quality `10 * level`, and LAME accepts
        // 0..<10 only, so the lowest MP3 quality is LAME's V9.99.
        var level = format == .mp3 ? min(1 - quality, 0.999) : 1 - quality
        if sf_command(writer, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size)) == 0 {
            sf_close(writer)
            throw .unsupportedFormat(path: path, reason: "libsndfile refused compression level \(level) for \(format.rawValue)")
        }
        let written = x.withUnsafeBufferPointer { Int(sf_writef_float(writer, $0.baseAddress, sf_count_t(x.count))) }
        let writeMessage = String(cString: sf_strerror(writer))
        if sf_close(writer) != 0 || written != x.count {
            throw .writeFailed(path: path, reason: "\(format.rawValue) encoding wrote \(written) of \(x.count) frames (\(writeMessage))")
        }

        var readInfo = SF_INFO()
        guard let reader = buffer.open(mode: Int32(SFM_READ), info: &readInfo) else {
            throw .unreadable(path: path, reason: "cannot decode the \(format.rawValue) round trip: \(String(cString: sf_strerror(nil)))")
        }
        defer { sf_close(reader) }
        // The decoded stream is the input plus at most a few codec frames; read until it ends.
        var out = [Float](repeating: 0, count: x.count + 16384)
        var total = 0
        while true {
            if total == out.count { out.append(contentsOf: repeatElement(0, count: 16384)) }
            let got = out.withUnsafeMutableBufferPointer {
                Int(sf_readf_float(reader, $0.baseAddress! + total, sf_count_t($0.count - total)))
            }
            if got <= 0 { break }
            total += got
        }
        out.removeLast(out.count - total)
        return out
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var delays: [String: Int] = [:]

    /// The codec's delay in samples at this rate and quality, measured once (see the type's
    /// documentation) and cached for the process.
    static func delay(format: Perturbation.CodecFormat, sampleRate: Int, quality: Double, path: String) throws(AudioError) -> Int {
        let key = "\(format.rawValue)/\(sampleRate)/\(quality)"
        lock.lock()
        let known = delays[key]
        lock.unlock()
        if let known { return known }

        let probeLength = 32768, burst = 8192..<16384, maxLag = 8192
        var g = SeededGenerator(seed: 0x636F_6465_635F_7072)  // "codec_pr"
        var probe = [Float](repeating: 0, count: probeLength)
        for i in burst { probe[i] = 0.25 * g.normal() }
        let y = try roundTrip(probe, sampleRate: sampleRate, format: format, quality: quality, path: path)
        // Full convolution of y with the reversed probe: index m holds lag m - (probeLength - 1).
        let xcorr = FFTConvolution.convolve(y, probe.reversed(), count: y.count + probeLength - 1)
        var best = 0
        var bestValue = -Float.infinity
        for lag in -maxLag...maxLag {
            let m = lag + probeLength - 1
            if m >= 0, m < xcorr.count, xcorr[m] > bestValue { (best, bestValue) = (lag, xcorr[m]) }
        }
        lock.lock()
        delays[key] = best
        lock.unlock()
        return best
    }
}
