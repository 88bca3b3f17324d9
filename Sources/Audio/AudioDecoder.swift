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
    /// Most samples (frames times channels) a file may decode to: a compressed stream (FLAC of
    /// silence, at a high rate, with many channels) can expand far beyond its size on disk.
    public var maxSamples: Int

    /// Defaults: one hour, 2 GiB and 2^30 samples (4 GiB of floats; an hour of 96 kHz stereo
    /// is 0.69 x 2^30), far above any clip-classification dataset.
    public init(maxDurationSeconds: Double = 3600, maxFileBytes: Int = 2 << 30, maxSamples: Int = 1 << 30) {
        self.maxDurationSeconds = maxDurationSeconds
        self.maxFileBytes = maxFileBytes
        self.maxSamples = maxSamples
    }
}

/// Decodes audio files through libsndfile: WAV (PCM 8/16/24/32-bit, float), FLAC, OGG/Vorbis,
/// OGG/Opus and MP3 (as supported by the system libsndfile, >= 1.1 for MP3), any sample rate,
/// any channel count.
///
/// Every failure is an `AudioError` naming the path and the reason (see `AudioFileReader` for
/// what is checked before samples are read). A FIFO, socket, device or directory is refused
/// before it is opened. A truncated WAV (its `data` chunk announces more bytes than the file
/// holds) is an error, not a silently shorter clip. NaN and infinite samples are refused, not
/// sanitised (a float WAV holding them is broken; replacing them would invent signal), in the
/// frames that are read. A 0-frame file is `.zeroLength`; a 1-frame file decodes. Decoding one
/// file is thread-safe; `decodeAll` decodes a list and reports each file's outcome separately.
public struct AudioDecoder: Sendable {
    /// Size and duration limits checked before samples are read.
    public var limits: DecodeLimits

    public init(limits: DecodeLimits = DecodeLimits()) {
        self.limits = limits
    }

    /// Sample rates a file may declare: 1 kHz (below it a header is broken or the file is not
    /// audio: resampling 1 Hz to 44.1 kHz would multiply a small file by 44 100) to 768 kHz
    /// (the highest rate audio interfaces record at). Others are refused from the header.
    public static let sampleRates = 1_000...768_000

    /// Reads the header of `path` (rate, channels, frames) with every check `decode` makes
    /// before reading samples, without decoding any.
    public func header(_ path: String) throws(AudioError) -> AudioHeader {
        try AudioFileReader(path: path, limits: limits).header
    }

    /// Decodes the whole file at `path`.
    public func decode(_ path: String) throws(AudioError) -> DecodedAudio {
        try decode(AudioFileReader(path: path, limits: limits))
    }

    /// Decodes every frame of a file already open.
    func decode(_ reader: AudioFileReader) throws(AudioError) -> DecodedAudio {
        DecodedAudio(path: reader.path, sampleRate: reader.sampleRate, channels: try reader.readAll())
    }

    /// Decodes every path, in order, on up to `threads` threads. One file's failure is reported
    /// in its own slot and the rest go on.
    public func decodeAll(_ paths: [String], threads: Int = 1) -> [Result<DecodedAudio, AudioError>] {
        ConcurrentMap.map(paths, threads: threads) { path in
            Result { () throws(AudioError) in try decode(path) }
        }
    }
}
