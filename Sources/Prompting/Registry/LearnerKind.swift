import Models

/// The sizes a learner's parameter count depends on.
public struct LearnerShape: Sendable {
    /// Classes `c`.
    public var classes: Int
    /// Joint embedding dimension `d`.
    public var dimension: Int
    /// Width `w` of the text tower's token embeddings (CoOp's context vectors).
    public var tokenWidth: Int
    /// Training clips `N` (Tip-Adapter-F learns one key per clip).
    public var trainingClips: Int

    public init(classes: Int, dimension: Int, tokenWidth: Int, trainingClips: Int = 0) {
        self.classes = classes
        self.dimension = dimension
        self.tokenWidth = tokenWidth
        self.trainingClips = trainingClips
    }
}

/// What a learner is made from.
public struct LearnerContext {
    public let model: AudioLanguageModel
    public let classNames: [String]
    /// The learner's settings, checked, defaults applied.
    public let settings: Settings
    /// Initialisation seed (unused by learners with `usesSeed == false`).
    public let seed: UInt64

    public init(model: AudioLanguageModel, classNames: [String], settings: Settings, seed: UInt64) {
        self.model = model
        self.classNames = classNames
        self.settings = settings
        self.seed = seed
    }
}

/// A kind of few-shot learner: everything palm needs to know about a method, declared once in
/// the learner's own file (`extension PALMLearner { static let kind = ... }`) and listed in
/// `LearnerRegistry.kinds`. The CLI's `--methods`, method specs (`coop:n_ctx=4`), the script
/// builtins (`learner("coop", ...)` and the shortcut `coop(...)`), `help`, completion and the
/// README's method table all read it.
public struct LearnerKind: Sendable {
    /// The canonical name, as tables and results write it (`palm-dagger`).
    public let name: String
    /// Other spellings accepted for it (`palm_dagger`).
    public let aliases: [String]
    /// One line: what the method is.
    public let summary: String
    /// The learner's own settings (training settings are common to all: `TrainingOptions.settings`).
    public let settings: [Setting]
    /// Whether results depend on the seed (initialisation or training order). A seedless
    /// method runs once per grid, for the first seed.
    public let usesSeed: Bool
    /// The trainable parameter count as a formula in c, d, w, N and the settings (the paper's
    /// Table 3), e.g. `c·(d+1)`.
    public let parameterFormula: String
    /// The same count, computed.
    public let parameterCount: @Sendable (LearnerShape, Settings) -> Int
    /// The method's own training recipe (the PALM recipe unless it has its own).
    public let training: TrainingOptions
    /// True when training runs the text tower on the tape every step (CoOp's family): such
    /// methods cost far more time and memory than those on frozen features.
    public let textTowerOnTape: Bool
    /// True when the recipe's epoch count is part of the method, so a grid-wide `--epochs`
    /// does not change it (a spec's own `epochs=` still does).
    public let keepsOwnEpochs: Bool
    /// Makes a fresh learner.
    public let make: @Sendable (LearnerContext) throws -> PromptLearner

    public init(name: String, aliases: [String] = [], summary: String, settings: [Setting] = [], usesSeed: Bool = true,
                textTowerOnTape: Bool = false,
                parameters parameterFormula: String, count parameterCount: @escaping @Sendable (LearnerShape, Settings) -> Int,
                training: TrainingOptions = TrainingOptions(), keepsOwnEpochs: Bool = false,
                make: @escaping @Sendable (LearnerContext) throws -> PromptLearner) {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.settings = settings
        self.usesSeed = usesSeed
        self.parameterFormula = parameterFormula
        self.parameterCount = parameterCount
        self.textTowerOnTape = textTowerOnTape
        self.training = training
        self.keepsOwnEpochs = keepsOwnEpochs
        self.make = make
    }

    /// The name as a script identifier: `palm-dagger` -> `palm_dagger`, `palm+coop` ->
    /// `palm_coop`. Scripts call the learner's shortcut builtin by it.
    public var scriptName: String {
        String(name.map { $0 == "-" || $0 == "+" ? "_" : $0 })
    }

    /// Every spelling that names this kind.
    public var spellings: [String] { [name] + aliases + (aliases.contains(scriptName) || scriptName == name ? [] : [scriptName]) }

    /// The setting called `key` (or one of its aliases).
    public func setting(_ key: String) -> Setting? { settings.first { $0.answers(to: key) } }
}
