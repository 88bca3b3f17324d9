import Models
import Support

/// Every learner palm knows, in the order tables list them. Adding a learner means writing its
/// file (the learner and its `LearnerKind`) and adding the kind here; nothing else keeps a list.
public enum LearnerRegistry {
    public static let kinds: [LearnerKind] = [
        ZeroShotLearner.kind, CoOpLearner.coopKind, CoOpLearner.cocoopKind, PALMLearner.kind, PALMLearner.daggerKind,
        CoOpLearner.palmCoopKind, CoOpLearner.palmCocoopKind, FeatureFeedbackLearner.kind, FeatureFeedbackLearner.palmKind,
        LinearProbeLearner.kind, ZeroShotLearner.noContextKind, TipAdapterLearner.kind, TipAdapterLearner.fineTunedKind,
    ]

    /// The paper's main comparison (Table 2), the default of grids.
    public static let paper = ["zeroshot", "coop", "cocoop", "palm"]

    /// Canonical names, in table order.
    public static var names: [String] { kinds.map(\.name) }

    /// The kind spelt `name` (canonical or alias, case-insensitive), or nil.
    public static func kind(named name: String) -> LearnerKind? {
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
        return kinds.first { $0.spellings.contains(key) }
    }

    /// The kind spelt `name`; the error lists the known names and suggests the closest.
    public static func kind(_ name: String, in text: String? = nil) throws -> LearnerKind {
        if let k = kind(named: name) { return k }
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
        throw PromptingError.unknownMethod(text ?? name, known: names,
                                           suggestion: NameSuggestion.closest(to: key, in: kinds.flatMap(\.spellings)).flatMap { kind(named: $0)?.name })
    }

    /// A fresh learner of `method` (a name, or a spec with settings such as `coop:n_ctx=4`) for
    /// `classNames` on `model`, initialised from `seed`.
    public static func make(_ method: String, model: AudioLanguageModel, classNames: [String], seed: UInt64) throws -> PromptLearner {
        try MethodSpec(method).makeLearner(model: model, classNames: classNames, seed: seed)
    }
}

extension LearnerRegistry {
    /// The registry as a Markdown table (the README's method table is this, checked by a test;
    /// `palm methods --markdown` prints it): name, other spellings, what it is, its settings
    /// with defaults, its trainable parameters, and whether it uses the seed.
    public static func markdownTable() -> String {
        var lines = ["| method | also | what it is | settings (default) | trainable parameters | seeded |",
                     "|---|---|---|---|---|---|"]
        for k in kinds {
            let settings = k.settings.map { s in "`\(s.key)`" + (s.defaultValue.map { " (\($0))" } ?? "") }.joined(separator: ", ")
            let also = k.spellings.dropFirst().map { "`\($0)`" }.joined(separator: ", ")
            lines.append("| `\(k.name)` | \(also) | \(k.summary) | \(settings.isEmpty ? "-" : settings) | \(k.parameterFormula) | \(k.usesSeed ? "yes" : "no") |")
        }
        let training = TrainingOptions.settings.map { "`\($0.key)` (\($0.defaultValue.map(\.description) ?? "-"))" }.joined(separator: ", ")
        return lines.joined(separator: "\n") + "\n\nEvery method also takes the training settings " + training
            + "; c classes, d the joint embedding dimension, w the text tower's token width, h = d/16, N training clips.\n"
    }
}
