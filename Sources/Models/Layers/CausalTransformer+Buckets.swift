import Tensor

// Frozen prompts of mixed lengths: a batch is cut after its longest pooled position, so one
// long prompt makes every short one pay for its length. Sorting the rows by pooled position
// and running runs of similar length separately (each cut at its own longest) removes that
// padding work; the results go back in the callers' order. Under the causal mask a row's
// pooled state does not depend on where its batch is cut, so the outputs are the same.

extension CausalTransformer {
    /// Groups of row indices of similar pooled position, shortest first: rows sorted by
    /// position, a new group started when the current one has at least `minimum` rows (GEMMs
    /// stay efficient) and the next row is more than `slack` times the group's shortest.
    public static func lengthBuckets(positions: [Int], minimum: Int = 16, slack: Double = 1.2) -> [[Int]] {
        let order = positions.indices.sorted { (positions[$0], $0) < (positions[$1], $1) }
        var buckets: [[Int]] = []
        for i in order {
            if let first = buckets.last?.first, buckets[buckets.count - 1].count < minimum
                || Double(positions[i] + 1) <= slack * Double(positions[first] + 1) {
                buckets[buckets.count - 1].append(i)
            } else {
                buckets.append([i])
            }
        }
        return buckets
    }

    /// Pooled states `[B, width]` of frozen rows (no tape), run in `lengthBuckets`:
    /// `embed(rows, cut)` gives the token embeddings `[rows.count, cut, width]` of those rows'
    /// first `cut` positions.
    public func pooledInBuckets(positions: [Int], embed: ([Int], Int) throws -> Tensor) throws -> Tensor {
        let buckets = Self.lengthBuckets(positions: positions)
        if buckets.count == 1 {
            return try pooled(tokenEmbeddings: embed(buckets[0].sorted(), positions.max()! + 1), positions: positions)
        }
        var parts: [Tensor] = [], order: [Int] = []
        for rows in buckets {
            let local = rows.map { positions[$0] }
            parts.append(try pooled(tokenEmbeddings: embed(rows, local.max()! + 1), positions: local))
            order += rows
        }
        var inverse = [Int](repeating: 0, count: order.count)
        for (k, row) in order.enumerated() { inverse[row] = k }
        return try Tensor.concat(parts, axis: 0).indexSelect(axis: 0, indices: inverse)
    }
}
