/// A generalization study a grid runs in every cell.
public enum Generalization: Sendable, Equatable, CustomStringConvertible {
    /// CoCoOp's base-to-novel protocol: train on the base classes, evaluate on base, novel and
    /// all classes (records `base`, `novel`, `all`, and `harmonic`, the harmonic mean of base
    /// and novel).
    case baseToNovel(ClassSplit.Rule)
    /// Train on one dataset, evaluate on others with their own class names: a record for the
    /// source's own test set, and one per target (`TARGET [from SOURCE]`) over every test clip
    /// of the target (all folds' test parts).
    case crossDataset(trainOn: String, evaluateOn: [String])

    /// `base-to-novel:half`, `base-to-novel:seeded=N`, `cross-dataset:ESC50>US8K+TUT`: the
    /// variant in cell keys.
    public var description: String {
        switch self {
        case let .baseToNovel(rule): return "base-to-novel:\(rule)"
        case let .crossDataset(source, targets): return "cross-dataset:\(source)>\(targets.joined(separator: "+"))"
        }
    }

    /// From `--generalization NAME` with `--class-split RULE`, or `--train-on D1 --evaluate-on D2,D3`.
    public init(_ name: String, classSplit: String = "half", trainOn: String? = nil, evaluateOn: [String] = []) throws {
        switch name {
        case "base-to-novel":
            guard trainOn == nil, evaluateOn.isEmpty else {
                throw PromptingError.invalidData("--train-on and --evaluate-on go with --generalization cross-dataset")
            }
            self = .baseToNovel(try ClassSplit.Rule(classSplit))
        case "cross-dataset":
            guard let trainOn, !evaluateOn.isEmpty else {
                throw PromptingError.invalidData("cross-dataset needs --train-on DATASET and --evaluate-on DATASET[,...]")
            }
            guard !evaluateOn.contains(trainOn) else {
                throw PromptingError.invalidData("cross-dataset: \(trainOn) is both trained on and evaluated on")
            }
            self = .crossDataset(trainOn: trainOn, evaluateOn: evaluateOn)
        default: throw PromptingError.invalidData("generalization '\(name)': expected base-to-novel or cross-dataset")
        }
    }

    /// Checks the datasets the study names against the grid's.
    func check(datasets: [String]) throws {
        guard case let .crossDataset(source, targets) = self else { return }
        for name in [source] + targets where !datasets.contains(name) {
            throw PromptingError.invalidData("cross-dataset: no dataset named \(name) in the grid (its datasets: \(datasets.joined(separator: ", ")))")
        }
    }
}
