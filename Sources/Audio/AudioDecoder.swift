import CSndFile
import Foundation

/// Decoded audio: one sample array per channel (planar), at the file's own rate.
public struct DecodedAudio: Sendable {
    /// The file the samples came from.
    public let path: String
    /// Frames per second of the file.
    public let sampleRate: Int
    /// `channels[c][i]` is channel `c` at frame `i`, in [-1, 1] for integer PCM (libsndfile's
    /// float normalisation: 16-bit divides by 32768, as torchaudio does).
    public let channels: [[Float]]

    /// Number of frames (samples per channel).
    public var frameCount: Int { channels.first?.count ?? 0 }
    /// Duration in seconds.
    public var duration: Double { Double(frameCount) / Double(sampleRate) }

    public init(path: String, sampleRate: Int, channels: [[Float]]) {
        self.path = path
        self.sampleRate = sampleRate
        self.channels = channels
    }
}

/// Limits that protect a run from files that would exhaust memory or time.
public struct DecodeLimits: Codable, Hashable, Sendable {
    /// Longest accepted duration in seconds (checked from the header before reading).
    public var maxDurationSeconds: Double
    /// Largest accepted file size in bytes.
    public var maxFileBytes: Int

    /// Defaults: one hour and 2 GiB, far above any clip-classification dataset.
    public init(maxDurationSeconds: Double = 3600, maxFileBytes: Int = 2 << 30) {
        self.maxDurationSeconds = maxDurationSeconds
        self.maxFileBytes = maxFileBytes
    }
}

/// Decodes audio files through libsndfile: WAV (PCM 8/16/24/32-bit, float), FLAC, OGG/Vorbis,
/// OGG/Opus and MP3 (as supported by the system libsndfile, >= 1.1 for MP3), any sample rate,
/// any channel count.
///
/// Every failure is an `AudioError` naming the path and the reason. A truncated WAV (its
/// `data` chunk announces more bytes than the file holds) is an error, not a silently shorter
/// clip, and so are NaN/inf samples. Decoding one file is thread-safe; `decodeAll` decodes a
/// list and reports each file's outcome separately.
public struct AudioDecoder: Sendable {
    /// Size and duration limits checked before samples are read.
    public var limits: DecodeLimits

    public init(limits: DecodeLimits = DecodeLimits()) {
        self.limits = limits
    }

    /// Decodes the whole file at `path`.
    public func decode(_ path: String) throws(AudioError) -> DecodedAudio {
        try checkFile(path)
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw openFailure(path, message: String(cString: sf_strerror(nil)))
        }
        defer { sf_close(file) }

        let rate = Int(info.samplerate)
        let channelCount = Int(info.channels)
        guard rate > 0, channelCount > 0 else {
            throw .unreadable(path: path, reason: "header gives \(rate) Hz and \(channelCount) channel(s)")
        }
        let declaredFrames = Int(info.frames)
        let major = Int(info.format) & Int(SF_FORMAT_TYPEMASK)
        if declaredFrames == 0 { throw .zeroLength(path: path) }
        let maxFrames = Int(limits.maxDurationSeconds * Double(rate))
        if declaredFrames > maxFrames && declaredFrames < Int(Int64.max / 2) {
            throw .tooLong(path: path, seconds: Double(declaredFrames) / Double(rate), limit: limits.maxDurationSeconds)
        }
        if major == Int(SF_FORMAT_WAV) || major == Int(SF_FORMAT_WAVEX),
           let chunk = WaveDataChunk.read(path: path),
           chunk.declaredBytes != 0, chunk.declaredBytes != 0xFFFF_FFFF,
           chunk.declaredBytes > chunk.availableBytes {
            throw .truncated(path: path, reason:
                "the data chunk declares \(chunk.declaredBytes) bytes but only \(chunk.availableBytes) are present")
        }

        // Read in blocks rather than trusting `frames` (an estimate for some MP3 files), into a
        // buffer sized from the header so the usual case reads once with no copy.
        // (An unknown length, SF_COUNT_MAX for some streams, starts at 10 s and grows.)
        let initialFrames = declaredFrames <= maxFrames ? declaredFrames : min(maxFrames + 1, 10 * rate)
        let channelsTimesFrames = max(1, initialFrames) * channelCount
        var interleaved = [Float](repeating: 0, count: channelsTimesFrames)
        var total = 0
        var probe = [Float](repeating: 0, count: 4096 * channelCount)
        while true {
            let room = interleaved.count / channelCount - total
            let got: Int
            if room > 0 {
                got = interleaved.withUnsafeMutableBufferPointer {
                    Int(sf_readf_float(file, $0.baseAddress! + total * channelCount, sf_count_t(room)))
                }
            } else {
                // The header's length is used up: probe for more (an under-estimated length).
                got = probe.withUnsafeMutableBufferPointer { Int(sf_readf_float(file, $0.baseAddress!, 4096)) }
                if got > 0 {
                    interleaved.removeLast(interleaved.count - total * channelCount)
                    interleaved.append(contentsOf: probe[0..<got * channelCount])
                }
            }
            if got <= 0 { break }
            total += got
            if total > maxFrames {
                throw .tooLong(path: path, seconds: Double(total) / Double(rate), limit: limits.maxDurationSeconds)
            }
        }
        if sf_error(file) != 0 {
            throw .unreadable(path: path, reason: String(cString: sf_strerror(file)))
        }
        if total == 0 { throw .zeroLength(path: path) }
        // Only PCM-like formats know their exact frame count; a shortfall there means truncation.
        if total < declaredFrames && major != Int(SF_FORMAT_MPEG) && major != Int(SF_FORMAT_OGG) {
            throw .truncated(path: path, reason: "header announces \(declaredFrames) frames but only \(total) could be read")
        }

        var nonFinite = 0
        var firstBad = Int.max
        let channels: [[Float]] = interleaved.withUnsafeBufferPointer { src in
            (0..<channelCount).map { c in
                [Float](unsafeUninitializedCapacity: total) { dst, n in
                    for i in 0..<total {
                        let v = src[i * channelCount + c]
                        if !v.isFinite {
                            nonFinite += 1
                            firstBad = min(firstBad, i)
                        }
                        dst[i] = v
                    }
                    n = total
                }
            }
        }
        if nonFinite > 0 { throw .nonFiniteSamples(path: path, count: nonFinite, firstFrame: firstBad) }
        return DecodedAudio(path: path, sampleRate: rate, channels: channels)
    }

    /// Decodes every path, in order, on up to `threads` threads. One file's failure is reported
    /// in its own slot and the rest go on.
    public func decodeAll(_ paths: [String], threads: Int = 1) -> [Result<DecodedAudio, AudioError>] {
        ConcurrentMap.map(paths, threads: threads) { path in
            Result { () throws(AudioError) in try decode(path) }
        }
    }

    /// The header-free checks: existence, regular file, size limits.
    func checkFile(_ path: String) throws(AudioError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: path)
        }
        if isDirectory.boolValue { throw .notAFile(path: path) }
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        if size == 0 { throw .emptyFile(path: path) }
        if size > limits.maxFileBytes { throw .fileTooLarge(path: path, bytes: size, limit: limits.maxFileBytes) }
    }

    /// Turns libsndfile's open failure into the most specific reason the file's bytes support.
    func openFailure(_ path: String, message: String) -> AudioError {
        let signature = AudioFileSignature.classify(AudioFileSignature.leadingBytes(of: path))
        if let reason = signature.unsupportedReason { return .unsupportedFormat(path: path, reason: reason) }
        switch signature {
        case .text:
            return .notAudio(path: path, reason: "the file holds text, not audio (libsndfile: \(message))")
        case .unknown:
            return .notAudio(path: path, reason: "no known audio signature (libsndfile: \(message))")
        case .riffWave, .rf64, .wave64, .aiff, .caf:
            let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
            if size < 44 { return .truncated(path: path, reason: "only \(size) bytes, shorter than a header (libsndfile: \(message))") }
            return .unsupportedFormat(path: path, reason: "\(signature.name) file with an encoding libsndfile cannot decode (libsndfile: \(message))")
        default:
            return .unreadable(path: path, reason: message)
        }
    }
}
