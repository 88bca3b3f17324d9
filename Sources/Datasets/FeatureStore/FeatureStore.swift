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
        let files = SplitFiles(store: self, split: split)
        try files.createFolders()
        let lock = try FileLock(path: files.lock) { [showsProgress] in
            if showsProgress {
                FileHandle.standardError.write(Data("embedding \(split): waiting for another process working on \(files.consolidated)\n".utf8))
            }
        }
        defer { lock.unlock() }

        // Load the consolidated file and every chunk (ours from a killed run, and shards that
        // cluster tasks computed, included).
        var loaded = loadCache(files, removingDeadTemporaries: true)
        let missing = missingItems(items, in: loaded.cache)
        if failurePolicy == .fatal, let (i, reason) = missing.statFailures.min(by: { $0.key < $1.key }) {
            throw FeatureStoreError.decodeFailed(path: items[i].path, reason: reason)
        }
        let (computed, newParts) = try compute(missing.indices, of: items, identities: missing.identities, split: split,
                                               into: &loaded.cache, writingChunksTo: files.parts)

        // Fold everything into the split's one file, then drop the chunks it now holds.
        if !newParts.isEmpty || !loaded.chunks.isEmpty || loaded.corrupt > 0 {
            let records = loaded.cache.values.sorted { ClassOrder.precedes($0.identity.path, $1.identity.path) }
            try AtomicFile.write(FeatureFile.encode(records, dimension: dimension), to: files.consolidated)
            for part in loaded.chunks + newParts { unlink(part) }
        }

        // Assemble the result in item order.
        var set = EmbeddedItems(items: [], dimension: dimension, embeddings: [], failures: [],
                             computed: computed, cached: items.count - computed - missing.statFailures.count,
                             corruptEntries: loaded.corrupt)
        set.embeddings.reserveCapacity(items.count * dimension)
        for (i, item) in items.enumerated() {
            if let reason = missing.statFailures[i] { set.failures.append(.init(path: item.path, reason: reason)); continue }
            switch loaded.cache[ExactText(item.path)]!.outcome {
            case .embedding(let v):
                set.items.append(item)
                set.embeddings += v
            case .failure(let reason):
                if failurePolicy == .fatal { throw FeatureStoreError.decodeFailed(path: item.path, reason: reason) }
                set.failures.append(.init(path: item.path, reason: reason))
            }
        }
        if showsProgress && !set.failures.isEmpty && computed == 0 {
            FileHandle.standardError.write(Data("embedding \(split): \(set.failures.count) file(s) failed (cached)\n".utf8))
        }
        if showsProgress {
            for f in set.failures { FileHandle.standardError.write(Data("  failed: \(f.path): \(f.reason)\n".utf8)) }
        }
        return set
    }

    /// Computes what the cache of `split` lacks among `items` and saves it as shard files,
    /// without taking the split's lock and without folding: many processes (the tasks of a
    /// cluster job array, each with its share of a split) run this at once on one shared
    /// store. Each shard file appears whole (temp + rename) under a name no other writer
    /// uses; the next `features(for:split:)` folds them into the split's file. Failures are
    /// cached like any result (and reported by whoever asks for the features).
    /// - Returns: how many items were embedded (0 when the cache had them all).
    @discardableResult
    public func precompute(items: [DatasetItem], split: String) throws -> Int {
        let files = SplitFiles(store: self, split: split)
        try files.createFolders()
        var loaded = loadCache(files, removingDeadTemporaries: false)
        let missing = missingItems(items, in: loaded.cache)
        return try compute(missing.indices, of: items, identities: missing.identities, split: split, into: &loaded.cache,
                           writingChunksTo: files.shards).computed
    }

    /// The files of one split's cache entry.
    struct SplitFiles {
        /// `<split>.feat`: every record, folded.
        let consolidated: String
        /// `<split>.parts/`: chunks saved under the lock while computing (folded, then removed).
        let parts: String
        /// `<split>.shards/`: chunks saved without the lock by `precompute` (folded likewise).
        let shards: String
        /// `<split>.lock`: the `flock` that serializes folding.
        let lock: String

        init(store: FeatureStore, split: String) {
            consolidated = store.file(for: split)
            let stem = String(consolidated.dropLast(".feat".count))
            parts = stem + ".parts"
            shards = stem + ".shards"
            lock = stem + ".lock"
        }

        func createFolders() throws {
            for dir in [parts, shards] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        }
    }

    /// What is on disk for one split: its records by path bytes (NFC and NFD names are two
    /// files), how many entries were corrupt, and the chunk files read.
    struct LoadedCache {
        var cache: [ExactText: FeatureRecord] = [:]
        var corrupt = 0
        var chunks: [String] = []
    }

    /// Reads the consolidated file, then every chunk and shard file. Hidden files are
    /// temporaries of writers that have not renamed yet: under the lock, those in `parts/`
    /// belong to dead writers (every writer there holds the lock) and are removed; those in
    /// `shards/` may belong to live lock-free writers on any host, so only ones older than an
    /// hour are removed.
    private func loadCache(_ files: SplitFiles, removingDeadTemporaries underLock: Bool) -> LoadedCache {
        var loaded = LoadedCache()
        let dimension = embedder.dimension
        func load(_ path: String) -> Bool {
            guard let bytes = FeatureFile.read(path) else { return false }
            let (records, bad) = FeatureFile.decode(bytes, dimension: dimension)
            loaded.corrupt += bad
            if bad > 0 {
                let reason = Self.damage(of: bytes, corrupt: bad, intact: records.count, dimension: dimension)
                warn("feature store: \(InputFile.printable(path)) was corrupt (\(reason)); recomputed")
            }
            for r in records { loaded.cache[ExactText(r.identity.path)] = r }
            return true
        }
        _ = load(files.consolidated)
        for (dir, isShards) in [(files.parts, false), (files.shards, true)] {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() {
                let path = dir + "/" + name
                if name.hasPrefix(".") {
                    guard underLock else { continue }
                    if !isShards || Self.age(of: path) > 3600 { unlink(path) }
                } else if load(path) {
                    loaded.chunks.append(path)
                }
            }
        }
        return loaded
    }

    /// Seconds since `path` was last modified (0 when it cannot be read).
    private static func age(of path: String) -> TimeInterval {
        guard let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return 0 }
        return Date().timeIntervalSince(date)
    }

    /// The items the cache lacks or holds for a file that has changed since (by identity),
    /// and those whose file cannot even be statted (index -> reason).
    private func missingItems(_ items: [DatasetItem], in cache: [ExactText: FeatureRecord])
        -> (indices: [Int], identities: [FileIdentity?], statFailures: [Int: String]) {
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
        return (missing, identities, statFailures)
    }

    /// Embeds `items[missing]` batch by batch into `cache`, saving a chunk file in `folder`
    /// every `saveEvery` items (and at the end, and before any error propagates).
    /// - Returns: the count embedded and the chunk files written.
    private func compute(_ missing: [Int], of items: [DatasetItem], identities: [FileIdentity?], split: String,
                         into cache: inout [ExactText: FeatureRecord], writingChunksTo folder: String) throws -> (computed: Int, chunks: [String]) {
        let dimension = embedder.dimension
        let progress = showsProgress && !missing.isEmpty
            ? ProgressBar(title: "embedding \(split)", total: missing.count, unit: "clips") : nil
        var pending: [FeatureRecord] = []
        var chunks: [String] = []
        func flush() throws {
            guard !pending.isEmpty else { return }
            let part = "\(folder)/part-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).feat"
            try AtomicFile.write(FeatureFile.encode(pending, dimension: dimension), to: part)
            chunks.append(part)
            pending.removeAll()
        }
        var computed = 0, failed = 0
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
                if case .failure(let reason) = outcome {
                    failed += 1
                    if firstFailure == nil { firstFailure = (items[i].path, reason) }
                }
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
        progress?.finish(note: failed == 0 ? "" : ", \(failed) failed")
        return (computed, chunks)
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
