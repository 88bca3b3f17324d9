import Models
import Tensor

/// Prompt templates for zero-shot classification. A template is a text with `{}` (or `{c}`)
/// where the class name goes, or the name of one of the templates below.
public enum PromptTemplate {
    /// The template the paper states (Section 4.3).
    public static let paper = "This is a recording of {}."
    /// What the PALM reference code ran and Table 2's zero-shot column measured: `palm/zeroshot.py`
    /// builds `f"{prefix} {c}."` with the default prefix `"The is a recording of "` (typo and
    /// trailing space included, so the class name follows two spaces). **quirk**
    public static let referenceLiteral = "The is a recording of  {}."
    /// The class name alone (PALM's text input; Figure 2's first template).
    public static let className = "{}"

    /// Templates by name. Figure 2 of the paper compares eight (`figure2` runs them as one
    /// ensemble): the class name alone, the reference's prompt, and six phrasings; each is
    /// written as the reference would run it through its prefix argument (`prefix + " {c}."`).
    public static let named: [String: String] = [
        "paper": paper, "reference": referenceLiteral, "classname": className,
        "audio-recording": "This is an audio recording of {}.",
        "captures-sound": "This captures the sound of {}.",
        "track-contains": "This track contains sound of {}.",
        "audio-file": "This audio file contains a recording of {}.",
        "sound-recording": "This is a sound recording of {}.",
        "audio-clip": "This is an audio clip of {}.",
    ]

    /// Named lists of templates (an ensemble averages their normalised embeddings).
    public static let sets: [String: [String]] = [
        "figure2": ["classname", "reference", "audio-recording", "captures-sound", "track-contains", "audio-file",
                    "sound-recording", "audio-clip"],
    ]

    /// Fills the placeholder (`{}` or `{c}`) with `name`.
    public static func fill(_ template: String, _ name: String) -> String {
        template.replacingOccurrences(of: "{c}", with: name).replacingOccurrences(of: "{}", with: name)
    }
}

/// Zero-shot classification: logits = 100 * normalize(a) . normalize(t)^T with t the text
/// embedding of each class prompt; several templates are averaged (a prompt ensemble: the mean
/// of the normalised embeddings, renormalised, as in CLIP).
public final class ZeroShotLearner: PromptLearner {
    public let method: String
    public let classNames: [String]
    public let templates: [String]
    /// `[c, d]` normalised class embeddings.
    public let classEmbeddings: Tensor
    public var parameters: [(name: String, tensor: Tensor)] { [] }
    public var dimension: Int { classEmbeddings.shape[1] }

    /// - Parameter method: the name in tables (`zeroshot`, or an ablation that is a zero-shot
    ///   classifier, such as Figure 4's PALM without its learned context).
    public convenience init(model: AudioLanguageModel, classNames: [String], templates: [String] = [PromptTemplate.paper],
                            method: String = ZeroShotLearner.kind.name) throws {
        guard !templates.isEmpty else { throw PromptingError.invalidData("zero-shot needs at least one template") }
        var sum: Tensor? = nil
        for tpl in templates {
            let t = try model.embedText(classNames.map { PromptTemplate.fill(tpl, $0) }).l2Normalized()
            sum = try sum.map { try $0 + t } ?? t
        }
        try self.init(classEmbeddings: sum!, classNames: classNames, templates: templates, method: method)
    }

    /// Zero-shot from precomputed class embeddings `[c, d]` (normalised here).
    public init(classEmbeddings: Tensor, classNames: [String], templates: [String] = [], method: String = ZeroShotLearner.kind.name) throws {
        guard classEmbeddings.rank == 2, classEmbeddings.shape[0] == classNames.count else {
            throw PromptingError.invalidData("class embeddings \(shapeString(classEmbeddings.shape)) do not match \(classNames.count) classes")
        }
        self.method = method
        self.classNames = classNames
        self.templates = templates
        self.classEmbeddings = try classEmbeddings.l2Normalized()
    }

    public func logits(_ audio: Tensor) throws -> Tensor {
        try checkDimension(audio)
        return try audio.l2Normalized().matmul(classEmbeddings.T) * logitScale
    }
}

extension PromptTemplate {
    /// Templates from names (`paper`, `reference`, ...), named sets (`figure2`) or texts with
    /// `{}` / `{c}` for the class; the error lists the names.
    public static func resolve(_ items: [String]) throws -> [String] {
        try items.flatMap { item -> [String] in
            let key = item.lowercased()
            if let t = named[key] { return [t] }
            if let set = sets[key] { return set.map { named[$0]! } }
            guard item.contains("{}") || item.contains("{c}") else {
                throw PromptingError.invalidData("template '\(item)' is neither a name (\((named.keys.sorted() + sets.keys.sorted()).joined(separator: ", "))) nor a text with {} or {c} for the class name")
            }
            return [item]
        }
    }
}

extension ZeroShotLearner {
    public static let kind = LearnerKind(
        name: "zeroshot", aliases: ["zero-shot", "zero_shot"],
        summary: "Zero-shot: cosine between audio and the text embedding of each class's prompt(s); no training",
        settings: [Setting("templates", .texts, default: .texts(["paper"]), aliases: ["template"],
                           "prompt templates: names (paper, reference, classname, figure2's, ...) or texts with {} or {c} for the class; several are averaged")],
        usesSeed: false, parameters: "0", count: { _, _ in 0 }) { c in
        try ZeroShotLearner(model: c.model, classNames: c.classNames, templates: PromptTemplate.resolve(c.settings.texts("templates") ?? ["paper"]))
    }

    static let noContextName = "palm-no-context"

    /// Figure 4's "PALM-dagger": PALM with its learned context removed from the text features,
    /// i.e. zero-shot on the bare class name's text feature. Not Table 4's PALM-dagger
    /// (`palm-dagger`, which drops the text features instead).
    public static let noContextKind = LearnerKind(
        name: noContextName, aliases: ["palm-without-context"],
        summary: "PALM without its learned context (Figure 4's PALM-dagger): zero-shot on the bare class name's text feature; no training",
        usesSeed: false, parameters: "0", count: { _, _ in 0 }) { c in
        try ZeroShotLearner(model: c.model, classNames: c.classNames, templates: [PromptTemplate.className], method: noContextName)
    }
}

extension ZeroShotLearner {
    /// Zero-shot has nothing per class beyond its prompts: the same templates, new names.
    public func transferred(to classNames: [String], model: AudioLanguageModel) throws -> ClassTransfer {
        guard !templates.isEmpty else {
            throw PromptingError.invalidData("\(method) was made from class embeddings, not templates: it cannot embed other classes")
        }
        let out = try ZeroShotLearner(model: model, classNames: classNames, templates: templates, method: method)
        return ClassTransfer(learner: out, novelClasses: ClassCorrespondence(trained: self.classNames, new: classNames).novel, fallback: nil)
    }
}
