import Foundation

/// Wall-clock timing for benchmarks: the median of repeated runs after a warm-up, because
/// these machines are noisy and a median resists outliers.
enum Stopwatch {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Median seconds of `repeats` runs of `body` after `warmup` untimed runs.
    static func median(repeats: Int, warmup: Int = 1, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup { try body() }
        var times: [Double] = []
        for _ in 0..<repeats {
            let t0 = now()
            try body()
            times.append(now() - t0)
        }
        times.sort()
        return times[times.count / 2]
    }
}

/// Runs a Python comparison script from `Scripts/pybench/` when python3 and its packages are
/// importable; returns its JSON output, or nil with the reason printed.
enum PythonBaseline {
    static func run(script: String, arguments: [String] = []) -> [String: Any]? {
        let path = repositoryRoot.appendingPathComponent("Scripts/pybench/\(script)").path
        guard FileManager.default.fileExists(atPath: path) else { print("  (PyTorch baseline: \(path) not found)"); return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", path] + arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { print("  (PyTorch baseline: python3 not available)"); return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0, let line = String(data: data, encoding: .utf8)?.split(separator: "\n").last,
              let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            let reason = String(data: err.fileHandleForReading.readDataToEndOfFile(), encoding: .utf8)?
                .split(separator: "\n").last.map(String.init) ?? "unknown error"
            print("  (PyTorch baseline not run: \(reason))")
            return nil
        }
        return json
    }
}
