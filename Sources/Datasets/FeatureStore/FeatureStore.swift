import Foundation
import Support
import Tensor

/// Embeddings of dataset items, computed once per (model, preprocessing, file) and cached on disk.
///
/// Layout: `$PALM_CACHE` (default `~/.cache/palm`) `/ <model fingerprint> / <preprocessing
/// fingerprint> / <split>.feat`, one file per split (see `FeatureFile` for the format). Each
/// entry is keyed by the item's `FileIdentity` (path, size, mtime): a changed file is recomputed.
///
/// Guarantees:
/// - **Bounded memory**: items go to the embedder in batches of `batchSize`; audio is never held
///   for more than one batch (the result matrix, n x dimension floats, is the only thing that
///   grows with the dataset).
/// - **Resumable**: every `saveEvery` computed items are written as a chunk file
///   (`<split>.parts/`), atomically; a run killed at any point loses at most the chunk in
///   flight, and the next run computes only what no chunk holds. A finished run folds the
///   chunks into `<split>.feat` (atomically) and deletes them.
/// - **Checksummed**: a corrupt entry is dropped on load, counted in `corruptEntries`, and
///   recomputed; each damaged file gets one warning line naming it (`warn`).
/// - **Safe under concurrency**: a run holds an exclusive `flock` on `<split>.lock` while it
///   reads and writes the entry, so a second process waits and then finds the work done; every
///   write is temp + rename anyway, so even a non-cooperating writer cannot leave a torn file.
/// - **Failures reported**: an item whose file fails to decode is left out of the result and
///   listed in `failures` (path, reason); the failure is cached with the file's identity, so it
///   is reported again without retrying until the file changes. With `.fatal` the first failure
///   throws instead.
public final class FeatureStore {
    /// What to do with an item that fails to decode.
    public enum FailurePolicy: Sendable {
        /// Report it (path, reason) and leave it out of the result.
        case skip
        /// Throw `FeatureStoreError.decodeFailed` (after saving the progress so far).
        case fatal
    }

    public let embedder: any AudioEmbedder
    /// The cache root this store lives under.
    public let cacheRoot: String
    /// `<cache root>/<model>/<preprocessing>`.
    public let directory: String
    public var batchSize: Int
    public var saveEvery: Int
    public var failurePolicy: FailurePolicy
    /// Show progress (a bar on a TTY, plain lines otherwise) on stderr.
    public var showsProgress: Bool
    /// Where warnings go, one line each without its newline: standard error unless replaced.
    /// A repaired cache file is reported here whatever `showsProgress` says, since it means
    /// the disk or another writer damaged data.
    public var warn: (String) -> Void = FeatureStore.warnOnStandardError

    /// - Parameters:
    ///   - cacheRoot: defaults to `$PALM_CACHE`, else `~/.cache/palm`.
    ///   - batchSize: items per `embed(paths:)` call.
    ///   - saveEvery: computed items per chunk file (rounded up to whole batches).
    public init(embedder: any AudioEmbedder, cacheRoot: String? = nil, batchSize: Int = 8, saveEvery: Int = 64,
                failurePolicy: FailurePolicy = .skip, showsProgress: Bool = true) {
        self.embedder = embedder
        let root = cacheRoot ?? Self.defaultCacheRoot()
        self.cacheRoot = root
        directory = root + "/" + Self.sanitize(embedder.modelFingerprint) + "/" + Self.sanitize(embedder.preprocessingFingerprint)
        self.batchSize = max(1, batchSize)
        self.saveEvery = max(1, saveEvery)
        self.failurePolicy = failurePolicy
        self.showsProgress = showsProgress
    }

    /// A store with this one's root and settings for another embedder (the same model with
    /// other normalisation statistics, say), so its features are cached beside these.
    public func sibling(embedder: any AudioEmbedder) -> FeatureStore {
        let store = FeatureStore(embedder: embedder, cacheRoot: cacheRoot, batchSize: batchSize, saveEvery: saveEvery,
                                 failurePolicy: failurePolicy, showsProgress: showsProgress)
        store.warn = warn
        return store
    }

    /// Writes `line` and a newline to standard error.
    public static func warnOnStandardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// What was wrong with a cache file that had `corrupt` bad entries and `intact` good ones:
    /// a wrong header (magic, version, dimension) is named as such, otherwise the counts.
    static func damage(of bytes: [UInt8], corrupt: Int, intact: Int, dimension: Int) -> String {
        if bytes.count < 16 || !bytes.starts(with: FeatureFile.magic) { return "not a palm feature file" }
        let version = bytes.readLE(UInt32.self, at: 8), stored = bytes.readLE(UInt32.self, at: 12)
        if version != FeatureFile.version { return "format version \(version), expected \(FeatureFile.version)" }
        if stored != UInt32(dimension) { return "embedding dimension \(stored), expected \(dimension)" }
        return "\(corrupt) damaged entr\(corrupt == 1 ? "y" : "ies") dropped, \(intact) intact kept"
    }

    /// `$PALM_CACHE`, else `~/.cache/palm`.
    public static func defaultCacheRoot() -> String { CachePaths.root }

    /// A name safe as one path component: `[A-Za-z0-9._-]` kept, anything else `_`, and when
    /// something was replaced (or the name is long) a hash of the original appended, so distinct
    /// fingerprints never share a directory.
    public static func sanitize(_ name: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var safe = String(name.map { allowed.contains($0) ? $0 : "_" }.prefix(80))
        if safe.isEmpty || safe.hasPrefix(".") { safe = "_" + safe }
        if safe != name { safe += "-" + String(FeatureFile.fnv1a(Array(name.utf8)[...]), radix: 16) }
        return safe
    }

    /// The error's text without a leading `"<path>: "` (the report names the path already).
    static func reason(_ error: Error, path: String) -> String {
        let text = "\(error)"
        return text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text
    }

    /// Path of the consolidated file of `split`.
    public func file(for split: String) -> String { directory + "/" + Self.sanitize(split) + ".feat" }

    /// Embeddings of `items` (in order, failures left out), computing only what the cache lacks.
    /// - Parameter split: names the cache file (e.g. `"ESC50-fold1-train"`); any item list may
    ///   use any name, but one name per split keeps files small and shared across runs.
    /// - Throws: `FeatureStoreError` on cache I/O, under `.fatal` on a decode failure, or what the
    ///   embedder throws for a whole batch.
    public func features(for items: [DatasetItem], split: String) throws -> EmbeddedItems {
        let dimension = embedder.dimension
        let splitFile = file(for: split)
        let stem = String(splitFile.dropLast(".feat".count))
        let partsDir = stem + ".parts"
        try FileManager.default.createDirectory(atPath: partsDir, withIntermediateDirectories: true)
        let lock = try FileLock(path: stem + ".lock") { [showsProgress] in
            if showsProgress {
                FileHandle.standardError.write(Data("embedding \(split): waiting for another process working on \(splitFile)\n".utf8))
            }
        }
        defer { lock.unlock() }

        // Load the consolidated file and every chunk (ours from a killed run included).
        var cache: [ExactText: FeatureRecord] = [:]   // by path bytes: NFC and NFD names are two files
        var corrupt = 0
        var loadedParts: [String] = []
        func load(_ path: String) {
            guard let bytes = FeatureFile.read(path) else { return }
            let (records, bad) = FeatureFile.decode(bytes, dimension: dimension)
            corrupt += bad
            if bad > 0 {
                let reason = Self.damage(of: bytes, corrupt: bad, intact: records.count, dimension: dimension)
                warn("feature store: \(InputFile.printable(path)) was corrupt (\(reason)); recomputed")
            }
            for r in records { cache[ExactText(r.identity.path)] = r }
        }
        load(splitFile)
        let partNames = ((try? FileManager.default.contentsOfDirectory(atPath: partsDir)) ?? []).sorted()
        for name in partNames {
            let path = partsDir + "/" + name
            if name.hasPrefix(".") {
                unlink(path)  // a temp file of a writer that died before its rename (we hold the lock)
            } else {
                load(path)
                loadedParts.append(path)
            }
        }

        // What is missing (or stale: the file changed since it was cached)?
        var identities: [FileIdentity?] = []
        var statFailures: [Int: String] = [:]
        var missing: [Int] = []
        for (i, item) in items.enumerated() {
            do {
                let id = try FileIdentity(statting: item.path)
                identities.append(id)
                if cache[ExactText(item.path)]?.identity != id { missing.append(i) }
            } catch {
                identities.append(nil)
                statFailures[i] = "\(error)"
            }
        }
        if failurePolicy == .fatal, let (i, reason) = statFailures.min(by: { $0.key < $1.key }) {
            throw FeatureStoreError.decodeFailed(path: items[i].path, reason: reason)
        }

        // Compute the missing ones, batch by batch, saving a chunk every `saveEvery`.
        let progress = showsProgress && !missing.isEmpty
            ? ProgressBar(title: "embedding \(split)", total: missing.count, unit: "clips") : nil
        var pending: [FeatureRecord] = []
        var newParts: [String] = []
        func flush() throws {
            guard !pending.isEmpty else { return }
            let part = "\(partsDir)/part-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).feat"
            try AtomicFile.write(FeatureFile.encode(pending, dimension: dimension), to: part)
            newParts.append(part)
            pending.removeAll()
        }
        var computed = 0
        for start in stride(from: 0, to: missing.count, by: batchSize) {
            let batch = Array(missing[start..<min(start + batchSize, missing.count)])
            let results: [Result<[Float], Error>]
            do { results = try embedder.embed(paths: batch.map { items[$0].path }) } catch { try flush(); throw error }
            guard results.count == batch.count else {
                try flush()
                throw FeatureStoreError.embedderContract("returned \(results.count) results for \(batch.count) paths")
            }
            var firstFailure: (String, String)?
            for (i, result) in zip(batch, results) {
                let outcome: FeatureRecord.Outcome
                switch result {
                case .success(let v) where v.count == dimension: outcome = .embedding(v)
                case .success(let v): outcome = .failure("embedder returned \(v.count) values, expected \(dimension)")
                case .failure(let e): outcome = .failure(Self.reason(e, path: items[i].path))
                }
                if case .failure(let reason) = outcome, firstFailure == nil { firstFailure = (items[i].path, reason) }
                let record = FeatureRecord(identity: identities[i]!, outcome: outcome)
                cache[ExactText(items[i].path)] = record
                pending.append(record)
            }
            computed += batch.count
            progress?.advance(by: batch.count)
            if pending.count >= saveEvery { try flush() }
            if failurePolicy == .fatal, let (path, reason) = firstFailure {
                try flush()
                throw FeatureStoreError.decodeFailed(path: path, reason: reason)
            }
        }
        try flush()

        // Fold everything into the split's one file, then drop the chunks it now holds.
        if !newParts.isEmpty || !loadedParts.isEmpty || corrupt > 0 {
            let records = cache.values.sorted { ClassOrder.precedes($0.identity.path, $1.identity.path) }
            try AtomicFile.write(FeatureFile.encode(records, dimension: dimension), to: splitFile)
            for part in loadedParts + newParts { unlink(part) }
        }

        // Assemble the result in item order.
        var set = EmbeddedItems(items: [], dimension: dimension, embeddings: [], failures: [],
                             computed: computed, cached: items.count - computed - statFailures.count, corruptEntries: corrupt)
        set.embeddings.reserveCapacity(items.count * dimension)
        for (i, item) in items.enumerated() {
            if let reason = statFailures[i] { set.failures.append(.init(path: item.path, reason: reason)); continue }
            switch cache[ExactText(item.path)]!.outcome {
            case .embedding(let v):
                set.items.append(item)
                set.embeddings += v
            case .failure(let reason):
                if failurePolicy == .fatal { throw FeatureStoreError.decodeFailed(path: item.path, reason: reason) }
                set.failures.append(.init(path: item.path, reason: reason))
            }
        }
        if let progress {
            progress.finish(note: set.failures.isEmpty ? "" : ", \(set.failures.count) failed")
        } else if showsProgress && !set.failures.isEmpty {
            FileHandle.standardError.write(Data("embedding \(split): \(set.failures.count) file(s) failed (cached)\n".utf8))
        }
        if showsProgress {
            for f in set.failures { FileHandle.standardError.write(Data("  failed: \(f.path): \(f.reason)\n".utf8)) }
        }
        return set
    }
}

/// The embeddings of a list of items: row i of `embeddings` belongs to `items[i]`; items that
/// failed are not in `items` but in `failures`.
public struct EmbeddedItems: Sendable {
    /// The items that have an embedding, in input order.
    public var items: [DatasetItem]
    public var dimension: Int
    /// `items.count x dimension`, row-major.
    public var embeddings: [Float]
    /// Items left out: path and reason.
    public var failures: [FileFailure]
    /// Items the embedder ran on in this call (failures included).
    public var computed: Int
    /// Items served from the cache.
    public var cached: Int
    /// Corrupt cache entries found (and recomputed).
    public var corruptEntries: Int

    /// The embedding of `items[i]`.
    public func embedding(_ i: Int) -> ArraySlice<Float> { embeddings[(i * dimension)..<((i + 1) * dimension)] }

    /// Labels of `items`, in order.
    public var labels: [Int] { items.map(\.label) }

    /// The embeddings as an `[items.count, dimension]` tensor.
    public func tensor() throws -> Tensor { try Tensor(embeddings, shape: [items.count, dimension]) }
}
