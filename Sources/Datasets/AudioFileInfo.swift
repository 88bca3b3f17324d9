import Foundation
@preconcurrency import CSndFile

/// The header of an audio file (frames, sample rate, channels), read with libsndfile without
/// decoding the samples; plus the little sample I/O the Datasets tests and benchmark need.
///
/// This is the one place Datasets talks to libsndfile directly. When the Audio target lands on
/// this branch, `peek()` and the test fixtures move to its decoder and this file goes away.
public struct AudioFileInfo: Sendable, Equatable {
    /// Frames (samples per channel).
    public var frames: Int
    public var sampleRate: Int
    public var channels: Int

    /// Duration in seconds (`frames / sampleRate`).
    public var duration: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }

    /// Reads the header of `path`.
    /// - Throws: `DatasetError.unreadableAudio` with libsndfile's reason.
    public init(path: String) throws {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw DatasetError.unreadableAudio(path: path, reason: String(cString: sf_strerror(nil)))
        }
        sf_close(file)
        frames = Int(info.frames)
        sampleRate = Int(info.samplerate)
        channels = Int(info.channels)
    }

    /// Decodes all of `path` as interleaved float samples in [-1, 1].
    /// - Returns: the samples (`frames * channels` values) and the header.
    public static func readSamples(path: String) throws -> (samples: [Float], info: AudioFileInfo) {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw DatasetError.unreadableAudio(path: path, reason: String(cString: sf_strerror(nil)))
        }
        defer { sf_close(file) }
        let count = Int(info.frames) * Int(info.channels)
        var samples = [Float](repeating: 0, count: count)
        let read = samples.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, info.frames) }
        if read < info.frames { samples.removeLast(count - Int(read) * Int(info.channels)) }
        return (samples, AudioFileInfo(frames: Int(read), sampleRate: Int(info.samplerate), channels: Int(info.channels)))
    }

    /// Writes interleaved `samples` as a 16-bit PCM WAV file at `path` (replacing it).
    public static func writeWAV(path: String, samples: [Float], sampleRate: Int, channels: Int = 1) throws {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = Int32(SF_FORMAT_WAV) | Int32(SF_FORMAT_PCM_16)
        guard let file = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw DatasetError.unreadableAudio(path: path, reason: "cannot create: " + String(cString: sf_strerror(nil)))
        }
        defer { sf_close(file) }
        let frames = sf_count_t(samples.count / channels)
        let written = samples.withUnsafeBufferPointer { sf_writef_float(file, $0.baseAddress, frames) }
        if written != frames {
            throw DatasetError.unreadableAudio(path: path, reason: "short write: " + String(cString: sf_strerror(file)))
        }
    }

    init(frames: Int, sampleRate: Int, channels: Int) {
        self.frames = frames
        self.sampleRate = sampleRate
        self.channels = channels
    }
}
