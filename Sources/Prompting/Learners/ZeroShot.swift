import Models
import Tensor

/// Prompt templates for zero-shot classification.
public enum PromptTemplate {
    /// The paper's template.
    public static let paper = "This is a recording of {}."
    /// What the PALM reference code actually ran (typo and double space included). **quirk**
    public static let referenceLiteral = "The is a recording of  {}."
    /// The class name alone (PALM's text input).
    public static let className = "{}"
    /// Templates by name, for scripts and the CLI.
    public static let named: [String: String] = ["paper": paper, "reference": referenceLiteral, "classname": className]

    /// Fills `{}` with `name`.
    public static func fill(_ template: String, _ name: String) -> String {
        template.replacingOccurrences(of: "{}", with: name)
    }
}

/// Zero-shot classification: logits = 100 * normalize(a) . normalize(t)^T with t the text
/// embedding of each class prompt; several templates are averaged (a prompt ensemble: the mean
/// of the normalised embeddings, renormalised, as in CLIP).
public final class ZeroShotLearner: PromptLearner {
    public let method = "zeroshot"
    public let classNames: [String]
    public let templates: [String]
    /// `[c, d]` normalised class embeddings.
    public let classEmbeddings: Tensor
    public var parameters: [(name: String, tensor: Tensor)] { [] }
    public var dimension: Int { classEmbeddings.shape[1] }

    public convenience init(model: AudioLanguageModel, classNames: [String], templates: [String] = [PromptTemplate.paper]) throws {
        guard !templates.isEmpty else { throw PromptingError.invalidData("zero-shot needs at least one template") }
        var sum: Tensor? = nil
        for tpl in templates {
            let t = try model.embedText(classNames.map { PromptTemplate.fill(tpl, $0) }).l2Normalized()
            sum = try sum.map { try $0 + t } ?? t
        }
        try self.init(classEmbeddings: sum!, classNames: classNames, templates: templates)
    }

    /// Zero-shot from precomputed class embeddings `[c, d]` (normalised here).
    public init(classEmbeddings: Tensor, classNames: [String], templates: [String] = []) throws {
        guard classEmbeddings.rank == 2, classEmbeddings.shape[0] == classNames.count else {
            throw PromptingError.invalidData("class embeddings \(shapeString(classEmbeddings.shape)) do not match \(classNames.count) classes")
        }
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
    /// Templates from names (`paper`, `reference`, `classname`) or texts with `{}` for the class.
    public static func resolve(_ items: [String]) throws -> [String] {
        try items.map { item in
            if let t = named[item.lowercased()] { return t }
            guard item.contains("{}") else {
                throw PromptingError.invalidData("template '\(item)' is neither a name (\(named.keys.sorted().joined(separator: ", "))) nor a text with {} for the class name")
            }
            return item
        }
    }
}

extension ZeroShotLearner {
    public static let kind = LearnerKind(
        name: "zeroshot", aliases: ["zero-shot", "zero_shot"],
        summary: "Zero-shot: cosine between audio and the text embedding of each class's prompt(s); no training",
        settings: [Setting("templates", .texts, default: .texts(["paper"]), aliases: ["template"],
                           "prompt templates: names (paper, reference, classname) or texts with {} for the class; several are averaged")],
        usesSeed: false, parameters: "0", count: { _, _ in 0 }) { c in
        try ZeroShotLearner(model: c.model, classNames: c.classNames, templates: PromptTemplate.resolve(c.settings.texts("templates") ?? ["paper"]))
    }
}
