/// The three stages of a grid on a cluster, in order.
public enum GridStage: String, Codable, CaseIterable, Sendable {
    /// A job array over shards of the datasets' clips, each filling its share of the feature store.
    case features
    /// A job array of cells (or batches of cheap cells), after every feature task succeeded.
    case cells
    /// One job that writes the tables and the report once the cells are over.
    case merge
}

/// sbatch options for one stage.
public struct StageOptions: Codable, Equatable, Sendable {
    public var partition: String?
    /// `--time`, e.g. `2:00:00` or `1-00:00:00`.
    public var time: String?
    /// `--mem`, e.g. `8G`.
    public var memory: String?
    public var cpus: Int?
    public var account: String?
    /// At most this many tasks of the array at once (`--array=0-N%K`).
    public var throttle: Int?
    /// Further sbatch arguments, as given.
    public var extra: [String] = []

    public init() {}

    /// The `#SBATCH` lines these options make (the array and the log are the script's own).
    public var sbatchArguments: [String] {
        var out: [String] = []
        if let partition { out.append("--partition=\(partition)") }
        if let time { out.append("--time=\(time)") }
        if let memory { out.append("--mem=\(memory)") }
        if let cpus { out.append("--cpus-per-task=\(cpus)") }
        if let account { out.append("--account=\(account)") }
        return out + extra
    }
}

/// sbatch options per stage, from `--slurm-*` flags whose values are either `VALUE` (every
/// stage) or `STAGE=VALUE` (one stage; wins over the general value).
public struct SlurmOptions: Codable, Equatable, Sendable {
    public var stages: [GridStage: StageOptions] = [:]

    public init() {}

    /// The options of `stage`.
    public subscript(stage: GridStage) -> StageOptions { stages[stage] ?? StageOptions() }

    /// Parses the flags' values; `flag` names the flag in errors.
    public init(partition: [String] = [], time: [String] = [], memory: [String] = [], cpus: [String] = [], account: [String] = [],
                throttle: [String] = [], extra: [String] = []) throws {
        func each(_ values: [String], _ flag: String, _ apply: (inout StageOptions, String) throws -> Void) throws {
            // General values first, so a stage's own value overrides them whatever the order.
            let split = try values.map { try Self.split($0, flag: flag) }
            for (stage, value) in split where stage == nil { for s in GridStage.allCases { try apply(&stages[s, default: StageOptions()], value) } }
            for (stage, value) in split { if let stage { try apply(&stages[stage, default: StageOptions()], value) } }
        }
        func count(_ value: String, _ flag: String) throws -> Int {
            guard let n = Int(value), n > 0 else { throw ClusterError.invalid("\(flag) \(value): expected a positive whole number") }
            return n
        }
        try each(partition, "--slurm-partition") { $0.partition = $1 }
        try each(time, "--slurm-time") { $0.time = $1 }
        try each(memory, "--slurm-mem") { $0.memory = $1 }
        try each(cpus, "--slurm-cpus") { $0.cpus = try count($1, "--slurm-cpus") }
        try each(account, "--slurm-account") { $0.account = $1 }
        try each(throttle, "--slurm-throttle") { $0.throttle = try count($1, "--slurm-throttle") }
        try each(extra, "--slurm-extra") { $0.extra += $1.split(whereSeparator: \.isWhitespace).map(String.init) }
    }

    /// `"cells=2:00:00"` -> (cells, "2:00:00"); `"2:00:00"` -> (nil, "2:00:00").
    static func split(_ value: String, flag: String) throws -> (GridStage?, String) {
        if let eq = value.firstIndex(of: "="), let stage = GridStage(rawValue: String(value[..<eq])) {
            let rest = String(value[value.index(after: eq)...])
            guard !rest.isEmpty else { throw ClusterError.invalid("\(flag) \(value): no value after '\(stage.rawValue)='") }
            return (stage, rest)
        }
        guard !value.isEmpty else { throw ClusterError.invalid("\(flag): empty value") }
        return (nil, value)
    }
}
