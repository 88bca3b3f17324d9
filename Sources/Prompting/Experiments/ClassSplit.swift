import Tensor

/// Classes split into base and novel, the CoCoOp paper's base-to-novel protocol: a learner
/// trains on the base classes only and is evaluated on base, on novel and on all classes.
public struct ClassSplit: Sendable, Equatable, CustomStringConvertible {
    /// How the classes are split.
    public enum Rule: Sendable, Equatable, CustomStringConvertible {
        /// The first half of the classes in sorted order are base (the larger half when the
        /// count is odd, as CoCoOp's `math.ceil(n / 2)`).
        case half
        /// A seeded shuffle, then the first half: another split per seed.
        case seeded(UInt64)

        public var description: String {
            switch self {
            case .half: return "half"
            case let .seeded(seed): return "seeded=\(seed)"
            }
        }

        /// `half` or `seeded=N`.
        public init(_ text: String) throws {
            if text == "half" { self = .half; return }
            if text.hasPrefix("seeded="), let seed = UInt64(text.dropFirst("seeded=".count)) { self = .seeded(seed); return }
            throw PromptingError.invalidData("class split '\(text)': expected half or seeded=N")
        }
    }

    public let rule: Rule
    /// Base classes, in the dataset's order.
    public let base: [String]
    /// Novel classes, in the dataset's order.
    public let novel: [String]

    /// Splits `classes` (a dataset's classes, already in its sorted order). Needs at least two.
    public init(classes: [String], rule: Rule = .half) throws {
        guard classes.count >= 2 else {
            throw PromptingError.invalidData("a base-to-novel split needs at least 2 classes, found \(classes.count)")
        }
        self.rule = rule
        var order = Array(classes.indices)
        if case let .seeded(seed) = rule {
            var g = SeededGenerator(seed: seed)
            order.shuffle(using: &g)
        }
        let baseIndices = Set(order.prefix((classes.count + 1) / 2))
        base = classes.indices.filter { baseIndices.contains($0) }.map { classes[$0] }
        novel = classes.indices.filter { !baseIndices.contains($0) }.map { classes[$0] }
    }

    public var description: String { "\(base.count) base / \(novel.count) novel classes (\(rule))" }

    /// The rows of `set` whose class is in `classes`, relabelled to `classes`' order.
    public static func restrict(_ set: FeatureSet, to classes: [String]) throws -> FeatureSet {
        var index: [[UInt8]: Int] = [:]
        for (i, c) in classes.enumerated() { index[Array(c.utf8)] = i }
        let rows = set.labels.indices.filter { index[Array(set.classNames[set.labels[$0]].utf8)] != nil }
        let picked = try set.subset(rows)
        return try FeatureSet(features: picked.features, labels: rows.map { index[Array(set.classNames[set.labels[$0]].utf8)]! },
                              classNames: classes, paths: picked.paths)
    }
}

/// The harmonic mean of two accuracies, base-to-novel's summary (0 when either is 0).
public func harmonicMean(_ a: Double, _ b: Double) -> Double { a + b > 0 ? 2 * a * b / (a + b) : 0 }
