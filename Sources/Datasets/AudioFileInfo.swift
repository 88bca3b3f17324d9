import Audio
import Foundation
import Support
@preconcurrency import CSndFile

/// The header of an audio file (frames, sample rate, channels), read with libsndfile without
/// decoding the samples (the `Audio` target decodes whole files; `peek()` needs headers only);
/// plus the little sample I/O the Datasets tests and benchmark need, through `Audio`.
public struct AudioFileInfo: Sendable, Equatable {
    /// Frames (samples per channel).
    public var frames: Int
    public var sampleRate: Int
    public var channels: Int

    /// Duration in seconds (`frames / sampleRate`).
    public var duration: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }

    /// Reads the header of `path`.
    /// - Throws: `DatasetError.unreadableAudio` with libsndfile's reason, or, before anything is
    ///   opened, with what the path names when it is not a regular file (a FIFO would block
    ///   `open` forever; a device could stream without end).
    public init(path: String) throws {
        do { try InputFile.requireRegular(path, role: "audio file") } catch let e as InputFileError {
            throw DatasetError.unreadableAudio(path: path, reason: e.reason)
        }
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw DatasetError.unreadableAudio(path: path, reason: String(cString: sf_strerror(nil)))
        }
        sf_close(file)
        frames = Int(info.frames)
        sampleRate = Int(info.samplerate)
        channels = Int(info.channels)
    }

    /// Decodes all of `path` (through the `Audio` target's decoder) as interleaved float
    /// samples in [-1, 1].
    /// - Returns: the samples (`frames * channels` values) and the header.
    public static func readSamples(path: String) throws -> (samples: [Float], info: AudioFileInfo) {
        let audio: DecodedAudio
        do { audio = try AudioDecoder().decode(path) } catch {
            throw DatasetError.unreadableAudio(path: path, reason: error.reason)
        }
        let c = audio.channels.count, n = audio.frameCount
        var samples = [Float](repeating: 0, count: n * c)
        for (k, channel) in audio.channels.enumerated() { for t in 0..<n { samples[t * c + k] = channel[t] } }
        return (samples, AudioFileInfo(frames: n, sampleRate: audio.sampleRate, channels: c))
    }

    /// Writes interleaved `samples` as a 16-bit PCM WAV file at `path` (replacing it), through
    /// the `Audio` target's writer.
    public static func writeWAV(path: String, samples: [Float], sampleRate: Int, channels: Int = 1) throws {
        let n = samples.count / max(channels, 1)
        let split = (0..<channels).map { k in (0..<n).map { samples[$0 * channels + k] } }
        do { try AudioWriter.write(split, sampleRate: sampleRate, to: path, format: .wav16) } catch {
            throw DatasetError.unreadableAudio(path: path, reason: "cannot write: " + error.reason)
        }
    }

    /// A title for progress of work on `paths`: "rain.wav (10:00 of audio)", "3 files (12:34 of
    /// audio)", from their headers (an unreadable file counts 0 s; past 100 files, only the
    /// count, so describing the work never costs a pass over a dataset).
    public static func workloadSummary(_ paths: [String]) -> String {
        let what = paths.count == 1 ? (paths[0] as NSString).lastPathComponent : "\(paths.count) files"
        guard paths.count <= 100 else { return what }
        let seconds = paths.reduce(0.0) { $0 + ((try? AudioFileInfo(path: $1))?.duration ?? 0) }
        return "\(what) (\(ProgressBar.clock(seconds)) of audio)"
    }

    init(frames: Int, sampleRate: Int, channels: Int) {
        self.frames = frames
        self.sampleRate = sampleRate
        self.channels = channels
    }
}
