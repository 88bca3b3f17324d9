import CSndFile
import Foundation

/// Containers and encodings `AudioWriter` can produce (through libsndfile).
public enum AudioFileFormat: String, CaseIterable, Codable, Sendable {
    case wavUnsigned8, wav16, wav24, wav32, wavFloat, flac16, flac24, oggVorbis, oggOpus, mp3

    var sndfileFormat: Int32 {
        let f: Int32
        switch self {
        case .wavUnsigned8: f = Int32(SF_FORMAT_WAV) | Int32(SF_FORMAT_PCM_U8)
        case .wav16: f = Int32(SF_FORMAT_WAV) | Int32(SF_FORMAT_PCM_16)
        case .wav24: f = Int32(SF_FORMAT_WAV) | Int32(SF_FORMAT_PCM_24)
        case .wav32: f = Int32(SF_FORMAT_WAV) | Int32(SF_FORMAT_PCM_32)
        case .wavFloat: f = Int32(SF_FORMAT_WAV) | Int32(SF_FORMAT_FLOAT)
        case .flac16: f = Int32(SF_FORMAT_FLAC) | Int32(SF_FORMAT_PCM_16)
        case .flac24: f = Int32(SF_FORMAT_FLAC) | Int32(SF_FORMAT_PCM_24)
        case .oggVorbis: f = Int32(SF_FORMAT_OGG) | Int32(SF_FORMAT_VORBIS)
        case .oggOpus: f = Int32(SF_FORMAT_OGG) | Int32(SF_FORMAT_OPUS)
        case .mp3: f = Int32(SF_FORMAT_MPEG) | Int32(SF_FORMAT_MPEG_LAYER_III)
        }
        return f
    }

    /// Whether the system libsndfile can write this format at `sampleRate`/`channels`
    /// (Opus needs 8/12/16/24/48 kHz; MP3 needs libsndfile built with LAME).
    public func isWritable(sampleRate: Int, channels: Int) -> Bool {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = sndfileFormat
        return sf_format_check(&info) != 0
    }
}

/// Writes planar float samples to an audio file (tests, demo data, exported clips).
public enum AudioWriter {
    /// Writes `channels` (planar, all the same length) at `sampleRate` to `path` in `format`.
    /// Values are clipped to [-1, 1] by libsndfile for integer encodings; float WAV keeps them
    /// as they are (NaN included, which the tests use).
    public static func write(_ channels: [[Float]], sampleRate: Int, to path: String, format: AudioFileFormat) throws(AudioError) {
        guard let frames = channels.first?.count, channels.allSatisfy({ $0.count == frames }) else {
            throw .writeFailed(path: path, reason: "channels must be non-empty and of equal length")
        }
        guard format.isWritable(sampleRate: sampleRate, channels: channels.count) else {
            throw .writeFailed(path: path, reason: "libsndfile cannot write \(format) at \(sampleRate) Hz with \(channels.count) channel(s)")
        }
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels.count)
        info.format = format.sndfileFormat
        guard let file = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw .writeFailed(path: path, reason: String(cString: sf_strerror(nil)))
        }
        let c = channels.count
        var interleaved = [Float](repeating: 0, count: frames * c)
        for ch in 0..<c { for i in 0..<frames { interleaved[i * c + ch] = channels[ch][i] } }
        let written = interleaved.withUnsafeBufferPointer { Int(sf_writef_float(file, $0.baseAddress, sf_count_t(frames))) }
        let message = String(cString: sf_strerror(file))
        sf_close(file)
        if written != frames { throw .writeFailed(path: path, reason: "wrote \(written) of \(frames) frames (\(message))") }
    }
}
