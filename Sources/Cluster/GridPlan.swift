import Foundation
import Prompting
import Support
import Tensor

/// A grid prepared for a cluster: how to rebuild it in a job (the `palm experiment` arguments,
/// the working folder, the `palm` binary), its cells, and the feature-extraction shards. Jobs
/// read it from `OUT/slurm/plan.json`; a task re-parses the arguments and builds the very grid
/// the local executor builds, so both run the same code on the same cells.
public struct GridPlan: Codable, Equatable, Sendable {
    public static let formatVersion = 1

    public var version: Int
    /// `palm experiment` arguments, without the executor's own options.
    public var arguments: [String]
    /// The folder the command ran in (jobs start there, so relative paths mean the same).
    public var workingDirectory: String
    /// The absolute path of the `palm` binary jobs run.
    public var executable: String
    /// The experiment's output folder (absolute).
    public var outputDirectory: String
    /// Every cell, in the grid's order.
    public var cells: [GridCell]
    public var shards: [FeatureShard]

    public init(arguments: [String], workingDirectory: String, executable: String, outputDirectory: String, cells: [GridCell],
                shards: [FeatureShard]) {
        version = Self.formatVersion
        self.arguments = arguments; self.workingDirectory = workingDirectory; self.executable = executable
        self.outputDirectory = outputDirectory; self.cells = cells; self.shards = shards
    }

    /// `OUT/slurm`, where the plan, the job scripts, the submissions and the logs live.
    public static func folder(in outputDirectory: String) -> String { (outputDirectory as NSString).appendingPathComponent("slurm") }
    public static func file(in outputDirectory: String) -> String { folder(in: outputDirectory) + "/plan.json" }

    public var folder: String { Self.folder(in: outputDirectory) }

    /// Reads `OUT/slurm/plan.json`.
    public static func read(outputDirectory: String) throws -> GridPlan {
        let path = file(in: outputDirectory)
        guard FileManager.default.fileExists(atPath: path) else {
            throw ClusterError.noPlan(outputDirectory)
        }
        let plan: GridPlan
        do {
            plan = try JSONDecoder().decode(GridPlan.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ClusterError.invalid("\(path): not a grid plan palm can read (\(error))")
        }
        guard plan.version == formatVersion else {
            throw ClusterError.invalid("\(path): plan format \(plan.version), this palm reads \(formatVersion)")
        }
        return plan
    }

    /// Writes the plan atomically.
    public func write() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(self), to: Self.file(in: outputDirectory), createDirectory: true)
    }

    /// True when `other` is the same grid (the same cells, made the same way).
    public func isSameGrid(as other: GridPlan) -> Bool { arguments == other.arguments && cells == other.cells }

    /// The cells of `keys` grouped into tasks of a job array: the cheap cells of one dataset
    /// share one task (they train in seconds, a job would mostly be start-up), every other cell
    /// is a task of its own. Order follows the grid.
    public func tasks(for keys: Set<String>) -> [[String]] {
        var cheap: [String: Int] = [:]
        var tasks: [[String]] = []
        for cell in cells where keys.contains(cell.key) {
            if cell.isCheap {
                if let i = cheap[cell.dataset] { tasks[i].append(cell.key); continue }
                cheap[cell.dataset] = tasks.count
            }
            tasks.append([cell.key])
        }
        return tasks
    }

    /// The cell of `key`.
    public func cell(_ key: String) -> GridCell? { cells.first { $0.key == key } }
}

/// A share of one cache file's clips, embedded by one feature-extraction task.
public struct FeatureShard: Codable, Equatable, Sendable {
    public var dataset: String
    /// The feature store's cache file (split) the clips belong to.
    public var split: String
    /// The clips' paths, as the dataset lists them.
    public var paths: [String]

    /// Names the shard's completion marker: a hash of its clips, the model and the cache, so a
    /// marker never vouches for other work. Computed once, when the grid is planned.
    public var identity: String

    /// - Parameters model, cache: the model spec and cache root the shard is embedded with.
    public init(dataset: String, split: String, paths: [String], model: String, cache: String) {
        self.dataset = dataset; self.split = split; self.paths = paths
        var hash = FNV1a64()
        for part in [model, cache, dataset, split] + paths { hash.combine(part.utf8 + [0]) }  // NUL-separated
        identity = String(hash.value, radix: 16)
    }
}

/// Errors of the cluster executor, each naming what to do.
public enum ClusterError: Error, CustomStringConvertible {
    case noPlan(String)
    case invalid(String)
    case slurm(String)

    public var description: String {
        switch self {
        case let .noPlan(out): return "\(out): no cluster run here (no slurm/plan.json; `palm experiment ... --executor slurm --out \(out)` makes one)"
        case let .invalid(text), let .slurm(text): return text
        }
    }
}
