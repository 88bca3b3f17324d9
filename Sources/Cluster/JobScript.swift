/// The batch script of one stage: `#SBATCH` lines, then the one `palm grid-task` call. Kept in
/// `OUT/slurm/submit-N/` so a user can read it and submit it by hand (`submit.sh` there shows
/// the chain with its dependencies).
public struct JobScript: Sendable {
    public var stage: GridStage
    /// Array size (nil: a single job).
    public var arrayCount: Int?
    public var options: StageOptions
    public var plan: GridPlan
    public var submission: Int

    public init(stage: GridStage, arrayCount: Int?, options: StageOptions, plan: GridPlan, submission: Int) {
        self.stage = stage; self.arrayCount = arrayCount; self.options = options; self.plan = plan; self.submission = submission
    }

    /// `OUT/slurm/logs/<stage>-<job>_<task>.out` (`%A_%a` for arrays, `%j` otherwise).
    public static func logPattern(_ stage: GridStage, folder: String, array: Bool) -> String {
        "\(folder)/logs/\(stage.rawValue)-\(array ? "%A_%a" : "%j").out"
    }

    /// The log of one task of an array job, or of a single job.
    public static func logFile(_ stage: GridStage, folder: String, job: String, task: Int?) -> String {
        "\(folder)/logs/\(stage.rawValue)-\(job)\(task.map { "_\($0)" } ?? "").out"
    }

    public var text: String {
        var lines = ["#!/bin/bash",
                     "#SBATCH --job-name=palm-\(stage.rawValue)",
                     "#SBATCH --chdir=\(Shell.quote(plan.workingDirectory))",
                     "#SBATCH --output=\(Shell.quote(Self.logPattern(stage, folder: plan.folder, array: arrayCount != nil)))"]
        if let arrayCount {
            lines.append("#SBATCH --array=0-\(arrayCount - 1)" + (options.throttle.map { "%\($0)" } ?? ""))
        }
        lines += options.sbatchArguments.map { "#SBATCH \($0)" }
        let what: String
        switch stage {
        case .features: what = "stage 1 of 3: each task embeds one shard of the datasets' clips into the shared feature store"
        case .cells: what = "stage 2 of 3: each task trains and evaluates one cell (or the cheap cells of a dataset)"
        case .merge: what = "stage 3 of 3: writes results.csv, results.json, table.md, predictions.csv and report.html"
        }
        lines += ["# palm experiment on Slurm, \(what).",
                  "# Written by palm for submission \(submission) of \(plan.outputDirectory); submit.sh beside it submits the chain.",
                  "set -euo pipefail",
                  "# OpenBLAS would otherwise start a thread per core of the node, not per CPU of the task.",
                  "export OPENBLAS_NUM_THREADS=\"${OPENBLAS_NUM_THREADS:-${SLURM_CPUS_PER_TASK:-1}}\""]
        var command = [plan.executable, "grid-task", plan.outputDirectory, "--stage", stage.rawValue, "--submission", "\(submission)"]
            .map(Shell.quote)
        if arrayCount != nil { command += ["--index", "\"$SLURM_ARRAY_TASK_ID\""] }
        lines.append("exec " + command.joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Quoting for generated shell scripts and the commands palm prints.
public enum Shell {
    /// `text` as one shell word: bare when it is plainly safe, else in single quotes.
    public static func quote(_ text: String) -> String {
        let safe = !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/._-+=:,@%".contains($0)) }
        return safe ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
