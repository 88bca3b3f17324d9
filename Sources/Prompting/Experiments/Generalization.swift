/// A generalization study a grid runs in every cell.
public enum Generalization: Sendable, Equatable, CustomStringConvertible {
    /// CoCoOp's base-to-novel protocol: train on the base classes, evaluate on base, novel and
    /// all classes (records `base`, `novel`, `all`, and `harmonic`, the harmonic mean of base
    /// and novel).
    case baseToNovel(ClassSplit.Rule)

    /// `base-to-novel:half` or `base-to-novel:seeded=N`: the variant in cell keys.
    public var description: String {
        switch self {
        case let .baseToNovel(rule): return "base-to-novel:\(rule)"
        }
    }

    /// From `--generalization NAME` and `--class-split RULE`.
    public init(_ name: String, classSplit: String = "half") throws {
        switch name {
        case "base-to-novel": self = .baseToNovel(try ClassSplit.Rule(classSplit))
        default: throw PromptingError.invalidData("generalization '\(name)': expected base-to-novel")
        }
    }
}
