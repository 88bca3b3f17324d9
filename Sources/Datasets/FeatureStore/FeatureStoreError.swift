/// Errors of the feature store. Per-file decode failures are not errors (they are reported and
/// left out) unless the policy is `.fatal`.
public enum FeatureStoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Under `FailurePolicy.fatal`: a file failed to decode (path and the embedder's reason).
    case decodeFailed(path: String, reason: String)
    /// A dataset file could not be stat'ed (usually: it was deleted).
    case cannotStat(path: String, reason: String)
    /// The cache could not be read or written.
    case cacheIO(path: String, reason: String)
    /// The embedder broke its contract (wrong result count).
    case embedderContract(String)

    public var description: String {
        switch self {
        case .decodeFailed(let path, let reason): return "\(path): cannot embed (\(reason)); failure policy is fatal"
        case .cannotStat(let path, let reason): return "\(path): cannot stat (\(reason))"
        case .cacheIO(let path, let reason): return "feature cache \(path): \(reason)"
        case .embedderContract(let message): return "embedder: \(message)"
        }
    }
}
