/// A method name with optional settings, as tables, grids, the CLI and scripts write it:
/// `coop`, `coop:n_ctx=4`, `cocoop:n_ctx=4,epochs=5,batch=32`. Settings change the learner
/// (`n_ctx`, `position`, `csc`, `init`; CoOp-family methods only) or its training (`epochs`,
/// `batch`, `lr`, `momentum`, `weight_decay`, `optimizer`); anything else is an error that names
/// the key. The full string stays the method's name in results, so variants tabulate apart.
public struct MethodSpec: Sendable, Equatable, CustomStringConvertible {
    /// The method (`coop`), lower-cased, one of `Methods.all`.
    public let name: String
    /// Settings in the order written.
    public let settings: [(key: String, value: String)]

    /// Keys that change the learner, and the methods that take them.
    public static let learnerKeys = ["n_ctx", "position", "csc", "init"]
    static let contextMethods: Set<String> = ["coop", "cocoop", "palm+coop", "palm+cocoop"]
    /// Keys that change training.
    public static let trainingKeys = ["epochs", "batch", "lr", "momentum", "weight_decay", "optimizer"]

    /// Parses `name[:key=value,...]`; errors name the offending part and what was expected.
    public init(_ text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let name = (parts.first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let canonical = name == "zero-shot" ? "zeroshot" : name
        guard Methods.all.contains(canonical) else { throw PromptingError.unknownMethod(text, known: Methods.all) }
        self.name = canonical
        var settings: [(key: String, value: String)] = []
        if parts.count > 1 {
            for item in parts[1].split(separator: ",") {
                let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty else {
                    throw PromptingError.invalidData("method '\(text)': expected key=value settings, found '\(item)'")
                }
                let key = kv[0].lowercased()
                if MethodSpec.learnerKeys.contains(key) {
                    guard MethodSpec.contextMethods.contains(canonical) else {
                        throw PromptingError.invalidData("method '\(text)': '\(key)' applies only to \(MethodSpec.contextMethods.sorted().joined(separator: ", "))")
                    }
                } else if !MethodSpec.trainingKeys.contains(key) {
                    throw PromptingError.invalidData("method '\(text)': unknown setting '\(key)'; known: \((MethodSpec.learnerKeys + MethodSpec.trainingKeys).joined(separator: ", "))")
                }
                settings.append((key, kv[1]))
            }
        }
        self.settings = settings
        _ = try trainingOptions()  // values checked now, not after a long run
        _ = try contextSettings()
    }

    public var description: String {
        settings.isEmpty ? name : name + ":" + settings.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    public static func == (a: MethodSpec, b: MethodSpec) -> Bool { a.description == b.description }

    /// The value of `key`, if set.
    public func value(_ key: String) -> String? { settings.last { $0.key == key }?.value }

    private func int(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard let i = Int(v), i > 0 else { throw PromptingError.invalidData("method '\(self)': \(key) must be a positive integer, found '\(v)'") }
        return i
    }
    private func float(_ key: String) throws -> Float? {
        guard let v = value(key) else { return nil }
        guard let f = Float(v), f.isFinite, f >= 0 else { throw PromptingError.invalidData("method '\(self)': \(key) must be a non-negative number, found '\(v)'") }
        return f
    }

    /// The method's default training options with this spec's settings applied; `epochs`
    /// (a grid-wide override) applies unless the spec sets its own.
    public func trainingOptions(epochs override: Int? = nil) throws -> TrainingOptions {
        var o = Methods.defaultOptions(for: name)
        if let override, name != "tip-adapter-f" { o.epochs = override }
        if let e = try int("epochs") { o.epochs = e }
        if let b = try int("batch") { o.batchSize = b }
        if let lr = try float("lr") { o.learningRate = lr }
        if let m = try float("momentum") { o.momentum = m }
        if let w = try float("weight_decay") { o.weightDecay = w }
        if let v = value("optimizer") {
            guard let k = TrainingOptions.OptimizerKind(rawValue: v.lowercased()) else {
                throw PromptingError.invalidData("method '\(self)': optimizer must be sgd or adamw, found '\(v)'")
            }
            o.optimizer = k
        }
        return o
    }

    /// CoOp-family prompt settings: context length, class position, class-specific context,
    /// initial words.
    public func contextSettings() throws -> (nCtx: Int, position: ContextPrompts.ClassPosition, classSpecific: Bool, initWords: String?) {
        let n = try int("n_ctx") ?? 16
        var position = ContextPrompts.ClassPosition.end
        if let p = value("position") {
            guard let v = ContextPrompts.ClassPosition(rawValue: p.lowercased()) else {
                throw PromptingError.invalidData("method '\(self)': position must be end, middle or front, found '\(p)'")
            }
            position = v
        }
        var csc = false
        if let c = value("csc") {
            guard let b = ["true": true, "false": false, "1": true, "0": false][c.lowercased()] else {
                throw PromptingError.invalidData("method '\(self)': csc must be true or false, found '\(c)'")
            }
            csc = b
        }
        return (n, position, csc, value("init"))
    }
}
