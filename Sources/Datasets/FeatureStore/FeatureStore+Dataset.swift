extension FeatureStore {
    /// Embeddings of `items` of `dataset`, cached so that every clip is embedded once for all
    /// folds, few-shot samples and seeds.
    ///
    /// Cache files: for a folded dataset, `<name>-fold<k>` holds the clips of fold k's test part
    /// (so fold k's training part is served from the other folds' files, never recomputed);
    /// clips in no test part go to `<name>-rest`. A single-split dataset uses `<name>-train` and
    /// `<name>-test`. `items` may be any list of the dataset's items (a split part, a few-shot
    /// sample); the result keeps its order.
    public func features(for items: [DatasetItem], of dataset: Dataset) throws -> EmbeddedItems {
        let fileOf = Self.cacheFiles(of: dataset)
        var groups: [String: [Int]] = [:]
        for (i, item) in items.enumerated() { groups[fileOf[ExactText(item.path)] ?? "\(dataset.name)-rest", default: []].append(i) }
        var parts: [String: EmbeddedItems] = [:]
        for name in groups.keys.sorted() {
            parts[name] = try features(for: groups[name]!.map { items[$0] }, split: name)
        }
        // Reassemble in input order.
        var out = EmbeddedItems(items: [], dimension: embedder.dimension, embeddings: [], failures: [],
                             computed: parts.values.reduce(0) { $0 + $1.computed },
                             cached: parts.values.reduce(0) { $0 + $1.cached },
                             corruptEntries: parts.values.reduce(0) { $0 + $1.corruptEntries })
        var rowOf: [ExactText: (String, Int)] = [:]
        var failed: [ExactText: FileFailure] = [:]
        for (name, set) in parts {
            for (row, item) in set.items.enumerated() { rowOf[ExactText(item.path)] = (name, row) }
            for f in set.failures { failed[ExactText(f.path)] = f }
        }
        out.embeddings.reserveCapacity(items.count * embedder.dimension)
        for item in items {
            if let (name, row) = rowOf[ExactText(item.path)] {
                out.items.append(item)
                out.embeddings += parts[name]!.embedding(row)
            } else if let f = failed[ExactText(item.path)] {
                out.failures.append(f)
            }
        }
        return out
    }

    /// Every item of `dataset` under the cache file that holds it, each item once, in the
    /// dataset's own order: the work a cluster's feature-extraction stage shards.
    public static func cacheSplits(of dataset: Dataset) -> [(split: String, items: [DatasetItem])] {
        let fileOf = cacheFiles(of: dataset)
        var order: [String] = []
        var groups: [String: [DatasetItem]] = [:]
        var seen = Set<ExactText>()
        for s in dataset.splits {
            for item in s.train + s.test where seen.insert(ExactText(item.path)).inserted {
                let name = fileOf[ExactText(item.path)] ?? "\(dataset.name)-rest"
                if groups[name] == nil { order.append(name) }
                groups[name, default: []].append(item)
            }
        }
        return order.map { ($0, groups[$0]!) }
    }

    /// Item path (its bytes) -> cache file name.
    static func cacheFiles(of dataset: Dataset) -> [ExactText: String] {
        var fileOf: [ExactText: String] = [:]
        for s in dataset.splits {
            if let k = s.fold {
                for item in s.test where fileOf[ExactText(item.path)] == nil { fileOf[ExactText(item.path)] = "\(dataset.name)-fold\(k)" }
            } else {
                for item in s.train { fileOf[ExactText(item.path)] = "\(dataset.name)-train" }
                for item in s.test { fileOf[ExactText(item.path)] = "\(dataset.name)-test" }
            }
        }
        return fileOf
    }
}
