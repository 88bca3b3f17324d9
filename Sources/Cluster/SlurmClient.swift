import Foundation

/// The state of one job or array task, as Slurm reports it.
public enum TaskState: Sendable, Equatable {
    case pending, running, completed
    /// Failed, cancelled, timed out, out of memory, node lost: over without success.
    case failed(String)

    /// Parsed from squeue's or sacct's state names.
    init(slurm name: String) {
        let word = name.split(separator: " ").first.map(String.init)?.uppercased() ?? name
        switch word {
        case "PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "SUSPENDED", "STOPPED": self = .pending
        case "RUNNING", "COMPLETING", "SIGNALING", "STAGE_OUT", "RESIZING": self = .running
        case "COMPLETED": self = .completed
        default: self = .failed(word.lowercased())
        }
    }

    /// Still queued or running.
    public var isActive: Bool { self == .pending || self == .running }
}

/// The Slurm client commands, run as child processes: `sbatch`, `squeue`, `sacct`, `scancel`.
/// Commands find the cluster the usual way (`SLURM_CONF` or the system's configuration).
public struct SlurmClient: Sendable {
    public init() {}

    /// Output of a finished command.
    struct Output { var status: Int32; var stdout: String; var stderr: String }

    func run(_ tool: String, _ arguments: [String]) throws -> Output {
        guard let path = Self.find(tool) else {
            throw ClusterError.slurm("\(tool) is not on PATH: --executor slurm needs Slurm's client commands (on this machine, Scripts/slurm-local start runs a one-node cluster)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Drain both pipes while it runs, so a long listing never blocks on a full pipe.
        final class Collected: @unchecked Sendable { var data = Data() }  // written by one thread, read after group.wait()
        let errData = Collected()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.data, as: UTF8.self))
    }

    static func find(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Submits `script`; returns the job id.
    public func submit(_ script: String, arguments: [String] = []) throws -> String {
        let r = try run("sbatch", ["--parsable"] + arguments + [script])
        guard r.status == 0 else {
            throw ClusterError.slurm("sbatch \((arguments + [script]).joined(separator: " ")) failed: \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        // --parsable prints "id" or "id;cluster".
        let id = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else { throw ClusterError.slurm("sbatch printed no job id: \(r.stdout)") }
        return id
    }

    /// The states of the queued (and recently finished) tasks of `jobs`: keys are `"J"` for a
    /// single job and `"J_T"` for task T of array J. Jobs Slurm no longer knows are absent.
    public func queue(jobs: [String]) throws -> [String: TaskState] {
        guard !jobs.isEmpty else { return [:] }
        // Listing the user's jobs (rather than `-j`) keeps one forgotten id from failing the call.
        let user = ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
        let r = try run("squeue", ["-h", "-r", "-t", "all", "-u", user, "-o", "%i|%T"])
        guard r.status == 0 else {
            throw ClusterError.slurm("squeue failed: \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let wanted = Set(jobs)
        var states: [String: TaskState] = [:]
        for line in r.stdout.split(separator: "\n") {
            let parts = line.split(separator: "|", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let job = parts[0].split(separator: "_").first.map(String.init) ?? parts[0]
            if wanted.contains(job) { states[parts[0]] = TaskState(slurm: parts[1]) }
        }
        return states
    }

    /// What accounting remembers of `jobs` (same keys as `queue`), or nil where accounting is
    /// disabled: then finished tasks are known only from the grid's own files.
    public func accounting(jobs: [String]) -> [String: TaskState]? {
        guard !jobs.isEmpty, let r = try? run("sacct", ["-n", "-P", "-X", "-j", jobs.joined(separator: ","), "-o", "JobID,State"]),
              r.status == 0 else { return nil }
        var states: [String: TaskState] = [:]
        for line in r.stdout.split(separator: "\n") {
            let parts = line.split(separator: "|", maxSplits: 1).map(String.init)
            if parts.count == 2 { states[parts[0]] = TaskState(slurm: parts[1]) }
        }
        return states
    }

    /// Cancels jobs or tasks (`J` or `J_T`).
    public func cancel(_ ids: [String]) throws {
        guard !ids.isEmpty else { return }
        let r = try run("scancel", ids)
        guard r.status == 0 else { throw ClusterError.slurm("scancel \(ids.joined(separator: " ")) failed: \(r.stderr)") }
    }
}
