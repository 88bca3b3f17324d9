import Foundation

/// How a child process ended: its exit status, or the signal that killed it, or a hang.
public struct ProcessOutcome: CustomStringConvertible {
    /// The exit status, when the process exited on its own.
    public var status: Int32?
    /// The signal that ended it (SIGSEGV, SIGABRT, ... or SIGKILL after a timeout).
    public var signal: Int32?
    /// True when it was still running at the deadline and was killed.
    public var timedOut: Bool
    public var stdout: String
    public var stderr: String

    /// Exited by itself with status 1: palm's "clear error" ending.
    public var isCleanFailure: Bool { status == 1 && signal == nil && !timedOut }

    public var description: String {
        let end = timedOut ? "hung (killed at the deadline)" : signal.map { "killed by signal \($0)" } ?? "exit \(status ?? -1)"
        return "\(end)\n--- stdout\n\(stdout.suffix(2000))\n--- stderr\n\(stderr.suffix(2000))"
    }
}

/// Runs the executables built beside the tests (`swift build --build-tests` builds `palm` and
/// `palm-repl-test` into the same folder) as child processes, so a test can assert that hostile
/// input ends in a clean error rather than a signal, an abort or a hang.
public enum PalmProcess {
    /// The path of the built executable `name`, or nil when it is not built.
    public static func executable(_ name: String = "palm") -> String? {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return [dir, dir.deletingLastPathComponent()].map { $0.appendingPathComponent(name).path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `palm ARGUMENTS` (stdin from `input`, or /dev/null), killing it after `timeout` seconds.
    /// - Parameters:
    ///   - environment: added to this process's environment.
    ///   - mergingStreams: stdout and stderr into one pipe (as `palm ... > log 2>&1` does), all
    ///     in `stdout` in the order the child wrote it; `stderr` is then empty.
    public static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:],
                           timeout: TimeInterval = 60, mergingStreams: Bool = false, executable name: String = "palm") throws -> ProcessOutcome {
        guard let exe = executable(name) else {
            throw NSError(domain: "PalmProcess", code: 1,
                          userInfo: [NSLocalizedDescriptionKey: "\(name) is not built beside the tests (swift build --build-tests builds it)"])
        }
        return try run(path: exe, arguments, input: input, environment: environment, timeout: timeout, mergingStreams: mergingStreams)
    }

    /// Runs the program at `path` (a script, a system tool) the same way.
    public static func run(path exe: String, _ arguments: [String], input: String? = nil, environment: [String: String] = [:],
                           timeout: TimeInterval = 60, mergingStreams: Bool = false) throws -> ProcessOutcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = mergingStreams ? out : Pipe()
        p.standardOutput = out
        p.standardError = err
        if let input {
            let inPipe = Pipe()
            p.standardInput = inPipe
            try p.run()
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        } else {
            p.standardInput = FileHandle.nullDevice
            try p.run()
        }
        // Drain both pipes while waiting, so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if !mergingStreams {
            group.enter()
            DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        }
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while p.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(p.processIdentifier, SIGKILL)
                break
            }
            usleep(10_000)
        }
        p.waitUntilExit()
        group.wait()
        let signalled = p.terminationReason == .uncaughtSignal
        return ProcessOutcome(status: signalled ? nil : p.terminationStatus, signal: signalled ? p.terminationStatus : nil,
                              timedOut: timedOut, stdout: String(decoding: outData, as: UTF8.self),
                              stderr: String(decoding: errData, as: UTF8.self))
    }
}
