/// What `Dataset.peek()` found by reading every file's header (no samples decoded).
public struct DatasetPeek: Sendable, Equatable {
    /// Distinct items per class, aligned with `Dataset.classes`.
    public var classCounts: [Int]
    /// Distinct items with a readable header.
    public var readable: Int
    /// Seconds, over readable items.
    public var totalDuration: Double
    public var minDuration: Double
    public var maxDuration: Double
    /// Sample rate -> number of files.
    public var sampleRates: [Int: Int]
    /// Channel count -> number of files.
    public var channels: [Int: Int]
    /// Files whose header could not be read: path and libsndfile's reason.
    public var unreadable: [FileFailure]
}

/// A file that could not be read or embedded, and why (`peek()`, `FeatureStore`).
public struct FileFailure: Sendable, Equatable, Codable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}

extension Dataset {
    /// Reads the header of every distinct item: class counts, total/min/max duration, sample
    /// rates and channel counts. Cost is one header read per file; no audio is decoded. A file
    /// whose header fails is listed in `unreadable`, not thrown.
    public func peek() -> DatasetPeek {
        var peek = DatasetPeek(classCounts: Array(repeating: 0, count: classes.count), readable: 0,
                               totalDuration: 0, minDuration: 0, maxDuration: 0,
                               sampleRates: [:], channels: [:], unreadable: [])
        var minDuration = Double.infinity
        for item in items {
            peek.classCounts[item.label] += 1
            do {
                let info = try AudioFileInfo(path: item.path)
                peek.readable += 1
                peek.totalDuration += info.duration
                minDuration = Swift.min(minDuration, info.duration)
                peek.maxDuration = Swift.max(peek.maxDuration, info.duration)
                peek.sampleRates[info.sampleRate, default: 0] += 1
                peek.channels[info.channels, default: 0] += 1
            } catch let DatasetError.unreadableAudio(path, reason) {
                peek.unreadable.append(.init(path: path, reason: reason))
            } catch {
                peek.unreadable.append(.init(path: item.path, reason: "\(error)"))
            }
        }
        peek.minDuration = peek.readable > 0 ? minDuration : 0
        return peek
    }
}
