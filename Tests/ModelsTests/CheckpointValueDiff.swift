import Models

/// Every place where two checkpoint value trees differ, one line each (`prompt_learner.ctx:
/// element 3 is 0.25, expected 0.5`), so a failing comparison says where, not just that.
func differences(_ got: CheckpointValue, _ want: CheckpointValue, at key: String = "") -> [String] {
    let place = key.isEmpty ? "<top>" : key
    func child(_ k: String) -> String { key.isEmpty ? k : key + "." + k }
    switch (got, want) {
    case let (.dict(a), .dict(b)), let (.orderedDict(a), .orderedDict(b)):
        guard a.map(\.0) == b.map(\.0) else { return ["\(place): keys \(a.map(\.0)), expected \(b.map(\.0))"] }
        return zip(a, b).flatMap { differences($0.1, $1.1, at: child($0.0)) }
    case let (.list(a), .list(b)), let (.tuple(a), .tuple(b)):
        guard a.count == b.count else { return ["\(place): \(a.count) items, expected \(b.count)"] }
        return zip(a, b).enumerated().flatMap { i, p in differences(p.0, p.1, at: key + "[\(i)]") }
    case let (.tensor(a), .tensor(b)):
        guard a.shape == b.shape else { return ["\(place): shape \(a.shape), expected \(b.shape)"] }
        let x = a.toArray(), y = b.toArray()
        guard let i = x.indices.first(where: { x[$0].bitPattern != y[$0].bitPattern }) else { return [] }
        let maxDiff = zip(x, y).map { abs($0 - $1) }.max() ?? 0
        return ["\(place): element \(i) is \(x[i]), expected \(y[i]) (max abs difference \(maxDiff))"]
    case let (.int64Tensor(s1, v1), .int64Tensor(s2, v2)):
        if s1 != s2 { return ["\(place): shape \(s1), expected \(s2)"] }
        return v1 == v2 ? [] : ["\(place): values \(v1.prefix(8)), expected \(v2.prefix(8))"]
    default:
        return got == want ? [] : ["\(place): \(got.kind) \(got), expected \(want.kind) \(want)"]
    }
}
