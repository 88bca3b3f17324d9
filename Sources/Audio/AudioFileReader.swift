import CSndFile
import Foundation
import Support

/// What an audio file's header says, read without decoding a sample.
public struct AudioHeader: Sendable, Equatable {
    /// The file.
    public let path: String
    /// Frames per second.
    public let sampleRate: Int
    /// Channels per frame.
    public let channels: Int
    /// Frames the header announces: exact for PCM-like encodings and FLAC, an estimate for some
    /// MP3 files (the decoder reads until the stream ends rather than trusting it).
    public let frames: Int
    /// True when `frames` is exact and libsndfile seeks to any frame exactly (uncompressed PCM,
    /// float, A-law/µ-law in any container, and FLAC), so a range of frames can be read alone.
    /// False for Ogg (Vorbis, Opus), MP3 and the ADPCM/GSM family: those are decoded from the start.
    public let seeksExactly: Bool
}

/// One audio file open for reading through libsndfile: its header, then its frames, all of them
/// (`readAll`) or one range (`read(frames:)`).
///
/// Opening refuses the file, naming it, before a sample is read: a path that is not a regular
/// file (checked before `open(2)`, so a FIFO never blocks), an empty or oversized file, a header
/// without a rate or channels, a rate outside `AudioDecoder.sampleRates`, no frames, more than the duration or sample limits, a WAV whose
/// data chunk runs past the end of the file. No buffer is ever sized from the header alone: a
/// header may claim billions of frames, so allocations are capped by what the file's bytes can
/// hold and grow only with samples actually decoded. One reader serves one thread.
final class AudioFileReader {
    let header: AudioHeader
    private let file: OpaquePointer
    private let limits: DecodeLimits
    private let fileBytes: Int
    private let major: Int

    var path: String { header.path }
    var sampleRate: Int { header.sampleRate }
    var channelCount: Int { header.channels }
    var declaredFrames: Int { header.frames }

    /// Opens `path` and checks its header against `limits`.
    init(path: String, limits: DecodeLimits) throws(AudioError) {
        let bytes: Int
        do { bytes = try InputFile.requireRegular(path, role: "audio file") } catch {
            if InputFile.pathProblem(path) == nil, InputFile.kind(of: path) == .missing { throw .fileNotFound(path: path) }
            throw .notAFile(path: path, reason: (error as? InputFileError)?.reason ?? "\(error)")
        }
        if bytes == 0 { throw .emptyFile(path: path) }
        if bytes > limits.maxFileBytes { throw .fileTooLarge(path: path, bytes: bytes, limit: limits.maxFileBytes) }

        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw Self.openFailure(path, bytes: bytes, message: String(cString: sf_strerror(nil)))
        }
        // From here on `file` must be closed on every error path (deinit does not run).
        let rate = Int(info.samplerate), channels = Int(info.channels), frames = Int(info.frames)
        let major = Int(info.format) & Int(SF_FORMAT_TYPEMASK), minor = Int(info.format) & Int(SF_FORMAT_SUBMASK)
        let exactEncodings = [SF_FORMAT_PCM_S8, SF_FORMAT_PCM_16, SF_FORMAT_PCM_24, SF_FORMAT_PCM_32, SF_FORMAT_PCM_U8,
                              SF_FORMAT_FLOAT, SF_FORMAT_DOUBLE, SF_FORMAT_ULAW, SF_FORMAT_ALAW].map { Int($0) }
        let seeksExactly = info.seekable != 0 && exactEncodings.contains(minor)
            && major != Int(SF_FORMAT_OGG) && major != Int(SF_FORMAT_MPEG)
        do throws(AudioError) {
            guard rate > 0, channels > 0 else {
                throw AudioError.unreadable(path: path, reason: "header gives \(rate) Hz and \(channels) channel(s)")
            }
            guard AudioDecoder.sampleRates.contains(rate) else { throw AudioError.sampleRateOutOfRange(path: path, rate: rate) }
            // SF_COUNT_MAX (a length libsndfile could not learn) is not a claim to check.
            if frames < Int(Int64.max / 2) {
                let maxFrames = Self.maxFrames(rate: rate, limits: limits)
                if frames > maxFrames {
                    throw AudioError.tooLong(path: path, seconds: Double(frames) / Double(rate), limit: limits.maxDurationSeconds)
                }
                let (samples, overflow) = frames.multipliedReportingOverflow(by: channels)
                if seeksExactly && (overflow || samples > limits.maxSamples) {
                    throw AudioError.tooManySamples(path: path, samples: overflow ? Int.max : samples, limit: limits.maxSamples)
                }
            }
            if major == Int(SF_FORMAT_WAV) || major == Int(SF_FORMAT_WAVEX),
               let chunk = WaveDataChunk.read(path: path),
               chunk.declaredBytes != 0, chunk.declaredBytes != 0xFFFF_FFFF,
               chunk.declaredBytes > chunk.availableBytes {
                throw AudioError.truncated(path: path, reason:
                    "the data chunk declares \(chunk.declaredBytes) bytes but only \(chunk.availableBytes) are present")
            }
            if frames == 0 { throw AudioError.zeroLength(path: path) }
        } catch {
            sf_close(file)
            throw error
        }
        self.file = file
        self.limits = limits
        self.fileBytes = bytes
        self.major = major
        header = AudioHeader(path: path, sampleRate: rate, channels: channels, frames: frames, seeksExactly: seeksExactly)
    }

    deinit { sf_close(file) }

    /// Frames `limits` allow at `rate` (the duration limit), saturating instead of overflowing.
    private static func maxFrames(rate: Int, limits: DecodeLimits) -> Int {
        let f = limits.maxDurationSeconds * Double(rate)
        return f >= Double(Int.max / 2) ? Int.max / 2 : Int(f)
    }

    /// Every frame, read in blocks until the stream ends (the header's count is an estimate for
    /// some MP3 files), as planar channels.
    func readAll() throws(AudioError) -> [[Float]] {
        let c = channelCount
        let maxFrames = Self.maxFrames(rate: sampleRate, limits: limits)
        // First buffer: the header's length, but never more than the file's bytes could hold
        // (8 frames per byte and channel covers 8-bit PCM and FLAC's usual ratios; rarer
        // ratios grow below). A header claiming 2^31 frames or 1024 channels allocates nothing.
        let plausible = max(1, fileBytes / c * 8)
        var capacity = min(declaredFrames, maxFrames + 1, plausible, max(1, limits.maxSamples / c + 1))
        var interleaved = [Float](repeating: 0, count: max(1, capacity) * c)
        var total = 0
        while true {
            if total == capacity {
                // Full: grow by doubling, never past the limits (which stop the loop below first).
                capacity = min(max(2 * capacity, 4096), maxFrames + 1, limits.maxSamples / c + 1)
                interleaved.append(contentsOf: repeatElement(0, count: capacity * c - interleaved.count))
            }
            let got = interleaved.withUnsafeMutableBufferPointer {
                Int(sf_readf_float(file, $0.baseAddress! + total * c, sf_count_t(capacity - total)))
            }
            if got <= 0 { break }
            total += got
            if total > maxFrames {
                throw .tooLong(path: path, seconds: Double(total) / Double(sampleRate), limit: limits.maxDurationSeconds)
            }
            if total.multipliedReportingOverflow(by: c).partialValue > limits.maxSamples {
                throw .tooManySamples(path: path, samples: total * c, limit: limits.maxSamples)
            }
        }
        if sf_error(file) != 0 { throw .unreadable(path: path, reason: String(cString: sf_strerror(file))) }
        if total == 0 { throw .zeroLength(path: path) }
        // Only PCM-like formats know their exact frame count; a shortfall there means truncation.
        if total < declaredFrames && major != Int(SF_FORMAT_MPEG) && major != Int(SF_FORMAT_OGG) {
            throw .truncated(path: path, reason: "header announces \(declaredFrames) frames but only \(total) could be read")
        }
        return try planar(interleaved, frames: total, firstFrame: 0)
    }

    /// Frames `range` only, as planar channels: libsndfile seeks to the first frame, so nothing
    /// before the range is decoded and nothing after it is read. Needs `header.seeksExactly`.
    func read(frames range: Range<Int>) throws(AudioError) -> [[Float]] {
        precondition(header.seeksExactly, "read(frames:) needs an encoding that seeks exactly")
        precondition(range.lowerBound >= 0 && range.upperBound <= declaredFrames, "frames outside the file")
        let c = channelCount
        var interleaved = [Float](repeating: 0, count: max(1, range.count * c))
        let got = try readRaw(range, into: &interleaved)
        if got < range.count {
            throw .truncated(path: path, reason: "header announces \(declaredFrames) frames but frame \(range.lowerBound + got) could not be read")
        }
        return try planar(interleaved, frames: range.count, firstFrame: range.lowerBound)
    }

    /// Checks that the last frame the header announces can be read (a cut-off file fails here),
    /// without decoding the rest: a crop-only read relies on the header's count to place the crop.
    func checkLastFrame() throws(AudioError) {
        var one = [Float](repeating: 0, count: channelCount)
        let got: Int
        do { got = try readRaw(declaredFrames - 1..<declaredFrames, into: &one) } catch {
            throw .truncated(path: path, reason: "header announces \(declaredFrames) frames but the last one could not be read (\(error.reason))")
        }
        if got < 1 {
            throw .truncated(path: path, reason: "header announces \(declaredFrames) frames but the last one could not be read")
        }
    }

    /// Seeks to `range.lowerBound` and reads up to `range.count` frames into `buffer`; returns
    /// how many were read.
    private func readRaw(_ range: Range<Int>, into buffer: inout [Float]) throws(AudioError) -> Int {
        guard sf_seek(file, sf_count_t(range.lowerBound), SEEK_SET) == sf_count_t(range.lowerBound) else {
            throw .unreadable(path: path, reason: "cannot seek to frame \(range.lowerBound): \(String(cString: sf_strerror(file)))")
        }
        var got = 0
        let c = channelCount
        while got < range.count {
            let n = buffer.withUnsafeMutableBufferPointer {
                Int(sf_readf_float(file, $0.baseAddress! + got * c, sf_count_t(range.count - got)))
            }
            if n <= 0 { break }
            got += n
        }
        if sf_error(file) != 0 { throw .unreadable(path: path, reason: String(cString: sf_strerror(file))) }
        return got
    }

    /// Splits interleaved samples into channels, refusing NaN and infinity (frames are numbered
    /// from `firstFrame` in the error, as in the file).
    private func planar(_ interleaved: [Float], frames: Int, firstFrame: Int) throws(AudioError) -> [[Float]] {
        let c = channelCount
        var nonFinite = 0
        var firstBad = Int.max
        let channels: [[Float]] = interleaved.withUnsafeBufferPointer { src in
            (0..<c).map { ch in
                [Float](unsafeUninitializedCapacity: frames) { dst, n in
                    for i in 0..<frames {
                        let v = src[i * c + ch]
                        if !v.isFinite {
                            nonFinite += 1
                            firstBad = min(firstBad, i)
                        }
                        dst[i] = v
                    }
                    n = frames
                }
            }
        }
        if nonFinite > 0 { throw .nonFiniteSamples(path: path, count: nonFinite, firstFrame: firstFrame + firstBad) }
        return channels
    }

    /// Turns libsndfile's open failure into the most specific reason the file's bytes support.
    static func openFailure(_ path: String, bytes: Int, message: String) -> AudioError {
        let signature = AudioFileSignature.classify(AudioFileSignature.leadingBytes(of: path))
        if let reason = signature.unsupportedReason { return .unsupportedFormat(path: path, reason: reason) }
        switch signature {
        case .text:
            return .notAudio(path: path, reason: "the file holds text, not audio (libsndfile: \(message))")
        case .unknown:
            return .notAudio(path: path, reason: "no known audio signature (libsndfile: \(message))")
        case .riffWave, .rf64, .wave64, .aiff, .caf:
            if bytes < 44 { return .truncated(path: path, reason: "only \(bytes) bytes, shorter than a header (libsndfile: \(message))") }
            return .unsupportedFormat(path: path, reason: "\(signature.name) file with an encoding libsndfile cannot decode (libsndfile: \(message))")
        default:
            return .unreadable(path: path, reason: message)
        }
    }
}
