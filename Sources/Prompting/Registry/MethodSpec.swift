import Models

/// A method with optional settings, as tables, grids, the CLI and scripts write it: `coop`,
/// `coop:n_ctx=4`, `cocoop:n_ctx=4,epochs=5,batch=32`, `zeroshot:templates=reference`. A
/// setting is one of the learner's own (`LearnerKind.settings`) or a training setting
/// (`TrainingOptions.settings`); anything else is an error that names the key. Names and keys
/// are stored in their canonical spelling, and the canonical string names the results, so
/// variants tabulate apart and aliases never split a column.
public struct MethodSpec: Sendable, Equatable, CustomStringConvertible {
    public let kind: LearnerKind
    /// Settings in the order written: canonical keys, values as written.
    public let settings: [(key: String, value: String)]
    /// The learner's settings, checked, with its defaults.
    public let learnerSettings: Settings
    /// The training settings given (checked); the rest come from the method's recipe.
    public let trainingSettings: Settings

    /// The canonical method name (`zeroshot`, `palm-dagger`).
    public var name: String { kind.name }

    /// Parses `name[:key=value,...]`; errors name the offending part and what was expected.
    public init(_ text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        kind = try LearnerRegistry.kind(parts.first ?? "", in: text)
        var settings: [(key: String, value: String)] = []
        var learner: [String: SettingValue] = [:], training: [String: SettingValue] = [:]
        if parts.count > 1 {
            for item in parts[1].split(separator: ",") {
                let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty else {
                    throw PromptingError.invalidData("method '\(text)': expected key=value settings, found '\(item)'")
                }
                let key = kv[0].lowercased()
                do {
                    if let s = kind.setting(key) {
                        learner[s.key] = try s.parse(kv[1])
                        settings.append((s.key, kv[1]))
                    } else if let s = TrainingOptions.settings.first(where: { $0.answers(to: key) }) {
                        training[s.key] = try s.parse(kv[1])
                        settings.append((s.key, kv[1]))
                    } else {
                        throw PromptingError.invalidData("method '\(text)': " + MethodSpec.unknownSetting(key, of: kind))
                    }
                } catch let e as SettingError {
                    throw PromptingError.invalidData("method '\(text)': \(e)")
                }
            }
        }
        self.settings = settings
        learnerSettings = Settings(kind.settings, given: learner)
        trainingSettings = Settings([], given: training)
    }

    /// "unknown setting 'k'" with what the method takes, and which methods take `k` if any.
    static func unknownSetting(_ key: String, of kind: LearnerKind) -> String {
        let own = kind.settings.map(\.key), common = TrainingOptions.settings.map(\.key)
        var message = "unknown setting '\(key)' for \(kind.name); it takes: " + (own + common).joined(separator: ", ")
        let others = LearnerRegistry.kinds.filter { $0.setting(key) != nil }.map(\.name)
        if !others.isEmpty { message += " ('\(key)' applies only to \(others.joined(separator: ", ")))" }
        return message
    }

    public var description: String {
        settings.isEmpty ? name : name + ":" + settings.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    public static func == (a: MethodSpec, b: MethodSpec) -> Bool { a.description == b.description }

    /// The value of `key` as written, if set.
    public func value(_ key: String) -> String? { settings.last { $0.key == key }?.value }

    /// The method's training recipe with this spec's training settings applied; `epochs` (a
    /// grid-wide override) applies unless the spec sets its own or the method keeps its own.
    public func trainingOptions(epochs override: Int? = nil) -> TrainingOptions {
        var o = kind.training
        if let override, !kind.keepsOwnEpochs { o.epochs = override }
        o.apply(trainingSettings)
        return o
    }

    /// A fresh learner of this method.
    public func makeLearner(model: AudioLanguageModel, classNames: [String], seed: UInt64) throws -> PromptLearner {
        try kind.make(LearnerContext(model: model, classNames: classNames, settings: learnerSettings, seed: seed))
    }
}
