import Foundation
import Support

/// One submission of a grid's jobs: which shards and cells it covers and under which job ids.
/// Every submission of an output folder is kept in `OUT/slurm/submissions.json`, so a status
/// check knows which task holds which cell and which log to read.
public struct Submission: Codable, Equatable, Sendable {
    /// 1, 2, ...: names `OUT/slurm/submit-N/`, where its job scripts are.
    public var number: Int
    public var date: Date
    /// The feature-extraction array (nil when every shard was done).
    public var featuresJob: String?
    /// Indices into the plan's shards, one per task of the features array.
    public var shards: [Int]
    /// The cells array (nil when no cell was left to run).
    public var cellsJob: String?
    /// Cell keys per task of the cells array.
    public var tasks: [[String]]
    public var mergeJob: String?

    public init(number: Int, date: Date = Date(), featuresJob: String? = nil, shards: [Int] = [], cellsJob: String? = nil,
                tasks: [[String]] = [], mergeJob: String? = nil) {
        self.number = number; self.date = date; self.featuresJob = featuresJob; self.shards = shards
        self.cellsJob = cellsJob; self.tasks = tasks; self.mergeJob = mergeJob
    }

    /// The job ids of this submission.
    public var jobs: [String] { [featuresJob, cellsJob, mergeJob].compactMap { $0 } }

    /// `OUT/slurm/submit-N`.
    public func folder(in slurmFolder: String) -> String { "\(slurmFolder)/submit-\(number)" }

    /// The submissions of the grid whose slurm folder is `folder`, oldest first (empty when none).
    public static func all(in folder: String) throws -> [Submission] {
        let path = folder + "/submissions.json"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode([Submission].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ClusterError.invalid("\(path): not a list of submissions palm can read (\(error))")
        }
    }

    /// Rewrites the list atomically.
    public static func save(_ submissions: [Submission], in folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write(encoder.encode(submissions), to: folder + "/submissions.json", createDirectory: true)
    }
}
