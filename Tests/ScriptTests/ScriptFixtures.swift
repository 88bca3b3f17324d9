import Audio
import Foundation
import Tensor

/// Files the binding scripts run on: a tiny dataset of three clearly different sound classes
/// (`folder` layout with train/ and test/: 4 + 2 one-second clips per class at 16 kHz), and a
/// feature cache, both in one temporary directory made once per test process. Scripts find
/// them through `env("PALM_TEST_DATA")` and `$PALM_CACHE`.
enum ScriptFixtures {
    /// The directory holding `data/` (the dataset) and `cache/`.
    nonisolated(unsafe) static let root: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("palm-script-\(getpid())").path
        try? FileManager.default.removeItem(atPath: dir)
        var g = SeededGenerator(seed: 1)
        for (c, cls) in ["hum", "chirp", "hiss"].enumerated() {
            for (part, count) in [("train", 4), ("test", 2)] {
                let folder = "\(dir)/data/\(part)/\(cls)"
                try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                for i in 0..<count {
                    let k = part == "train" ? i : i + 4
                    let x: [Float] = (0..<16000).map { t in
                        let s = Float(t) / 16000
                        switch c {
                        case 0: return 0.5 * sin(2 * .pi * Float(110 + 10 * k) * s)
                        case 1: return 0.5 * sin(2 * .pi * (500 + 3000 * s) * s)
                        default: return 0.3 * (g.uniform() * 2 - 1)
                        }
                    }
                    try! AudioWriter.write([x], sampleRate: 16000, to: "\(folder)/\(cls)\(k).wav", format: .wav16)
                }
            }
        }
        // Removed when the test process ends (set PALM_KEEP_TEST_FILES to look at the reports).
        if ProcessInfo.processInfo.environment["PALM_KEEP_TEST_FILES"] == nil {
            atexit { try? FileManager.default.removeItem(atPath: FileManager.default.temporaryDirectory.appendingPathComponent("palm-script-\(getpid())").path) }
        }
        setenv("PALM_TEST_DATA", dir + "/data", 1)
        setenv("PALM_CACHE", dir + "/cache", 1)
        return dir
    }()

    /// Makes sure the files exist and the environment points at them.
    static func prepare() { _ = root }
}
