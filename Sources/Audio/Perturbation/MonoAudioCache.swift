import Foundation

/// Noise files and impulse responses decoded, mixed to mono and resampled to a clip's rate,
/// kept for the rest of the process: every clip of a grid reuses the same few files, and
/// decoding and resampling them per clip would cost more than the perturbation itself.
///
/// Entries are keyed by path, rate, size and modification time (a file replaced during a run
/// is read again) and evicted oldest first beyond `capacity` floats.
final class MonoAudioCache: @unchecked Sendable {
    /// The process-wide cache: 32M floats (128 MB).
    static let shared = MonoAudioCache(capacity: 32 << 20)

    private struct Key: Hashable {
        let path: String
        let sampleRate: Int
        let size: Int
        let modified: Double
    }

    let capacity: Int
    private var entries: [Key: [Float]] = [:]
    private var order: [Key] = []
    private var held = 0
    private let lock = NSLock()

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The mono samples of `path` at `sampleRate`: channels averaged, then resampled with
    /// palm's `Resampler` (torchaudio's default filter). Decoding errors name the file.
    func samples(_ path: String, sampleRate: Int) throws(AudioError) -> [Float] {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let key = Key(path: path, sampleRate: sampleRate,
                      size: (attributes?[.size] as? NSNumber)?.intValue ?? -1,
                      modified: (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        lock.lock()
        let hit = entries[key]
        lock.unlock()
        if let hit { return hit }

        let audio = try AudioDecoder().decode(path)
        let mono = ChannelPolicy.mean.reduce(audio.channels)[0]
        let floats = Resampler.kernelFloats(from: audio.sampleRate, to: sampleRate)
        if audio.sampleRate != sampleRate && floats > Resampler.maxKernelFloats {
            throw .invalidParameter(path: path, reason:
                "resampling \(audio.sampleRate) Hz to \(sampleRate) Hz needs a \(floats)-float kernel; convert the file to a common rate first")
        }
        let x = Resampler(from: audio.sampleRate, to: sampleRate)(mono)

        lock.lock()
        defer { lock.unlock() }
        if entries[key] == nil && x.count <= capacity {
            while held + x.count > capacity, let oldest = order.first {
                held -= entries.removeValue(forKey: oldest)?.count ?? 0
                order.removeFirst()
            }
            entries[key] = x
            order.append(key)
            held += x.count
        }
        return x
    }
}
