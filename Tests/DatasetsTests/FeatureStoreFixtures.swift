import Foundation
import XCTest
import Datasets

/// Shared set-up of the feature-store tests: a small class-folder dataset of real WAVs, a fresh
/// cache directory, and child processes running this same test binary.
enum FeatureStoreFixtures {
    /// 3 classes x 8 clips of 0.05 s (24 items), every clip with its own statistics.
    static func tree() throws -> (DatasetTree, [DatasetItem]) {
        let tree = try DatasetTree("store")
        for c in ["alpha", "beta", "gamma"] { for i in 0..<8 { try tree.wav("\(c)/\(i).wav", frames: 400 + 10 * i) } }
        return (tree, try Dataset.load("folder", root: tree.root).items)
    }

    /// A fresh, empty cache root (removed with the tree's parent when placed beside it).
    static func cache(beside tree: DatasetTree, _ name: String = "cache") -> String {
        (tree.root as NSString).deletingLastPathComponent + "/" + name
    }

    /// The reference result: the statistics of each file, computed directly (no cache).
    static func direct(_ items: [DatasetItem]) throws -> [Float] {
        try items.flatMap { SignalStatisticsEmbedder.statistics(try AudioFileInfo.readSamples(path: $0.path).samples) }
    }

    /// Starts this test binary running only `FeatureStoreChildProcess/testChildEntryPoint`, with
    /// `environment` added (it selects what the child does). Output goes to `log`.
    static func spawnChild(_ environment: [String: String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        process.arguments = ["DatasetsTests.FeatureStoreChildProcess/testChildEntryPoint"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Waits until `path` exists; false if `process` ends first or after a generous deadlock
    /// guard (this is not a timing assertion: normally the file appears within milliseconds).
    static func waitForFile(_ path: String, while process: Process) -> Bool {
        for _ in 0..<6000 {
            if FileManager.default.fileExists(atPath: path) { return true }
            if !process.isRunning { return FileManager.default.fileExists(atPath: path) }
            usleep(20_000)
        }
        return false
    }

    /// Waits until `process` is blocked waiting for a `flock` (a `->` line with its pid in
    /// `/proc/locks`); false if it ends first or after the deadlock guard.
    static func waitUntilBlockedOnLock(_ process: Process) -> Bool {
        let pid = String(process.processIdentifier)
        for _ in 0..<6000 {
            let locks = (try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) ?? ""
            for line in locks.split(separator: "\n") where line.contains("->") && line.contains("FLOCK") {
                if line.split(separator: " ").contains(Substring(pid)) { return true }
            }
            if !process.isRunning { return false }
            usleep(20_000)
        }
        return false
    }

    /// Encodes floats exactly (bit patterns in hex), for comparing a child's result.
    static func encode(_ v: [Float]) -> String { v.map { String($0.bitPattern, radix: 16) }.joined(separator: ",") }

    static func decode(_ s: String) -> [Float] {
        s.split(separator: ",").map { Float(bitPattern: UInt32($0, radix: 16)!) }
    }
}

/// `SignalStatisticsEmbedder` that records every path it embeds, so tests can check what was
/// computed and what came from the cache.
final class RecordingEmbedder: AudioEmbedder, @unchecked Sendable {
    let inner = SignalStatisticsEmbedder()
    var modelFingerprint: String { inner.modelFingerprint }
    var preprocessingFingerprint: String { inner.preprocessingFingerprint }
    var dimension: Int { inner.dimension }
    private let lock = NSLock()
    private var embedded: [String] = []

    /// Every path embedded so far, in call order.
    var embeddedPaths: [String] { lock.withLock { embedded } }

    func embed(paths: [String]) throws -> [Result<[Float], Error>] {
        lock.withLock { embedded += paths }
        return try inner.embed(paths: paths)
    }
}

/// An embedder with `SignalStatisticsEmbedder`'s fingerprints (so it shares its cache) that,
/// on call number `blockOnCall`, creates `marker` and then blocks until `release` exists
/// (forever, when `release` is nil): the parent kills it there, or lets it go on.
final class GatedEmbedder: AudioEmbedder {
    let inner = SignalStatisticsEmbedder()
    var modelFingerprint: String { inner.modelFingerprint }
    var preprocessingFingerprint: String { inner.preprocessingFingerprint }
    var dimension: Int { inner.dimension }
    let blockOnCall: Int
    let marker: String
    let release: String?
    private var calls = 0

    init(blockOnCall: Int, marker: String, release: String?) {
        self.blockOnCall = blockOnCall
        self.marker = marker
        self.release = release
    }

    func embed(paths: [String]) throws -> [Result<[Float], Error>] {
        calls += 1
        if calls == blockOnCall {
            _ = FileManager.default.createFile(atPath: marker, contents: Data("inside embed call \(calls)\n".utf8))
            while release.map({ !FileManager.default.fileExists(atPath: $0) }) ?? true { usleep(10_000) }
        }
        return try inner.embed(paths: paths)
    }
}
