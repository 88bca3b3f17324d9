import Models

/// How a grid runs what the paper leaves open, by name: palm's clean default, or the PALM
/// reference code's choices, so a result can be reproduced exactly and each quirk's cost seen.
///
/// - `encoderMode`: `eval` computes every clip's embedding once with the encoders frozen in
///   eval mode (what the paper describes); `reference` trains as the reference's
///   `model.train()` does (see `ReferenceTrainable`: every training batch re-encoded with batch
///   statistics, SpecAugment, drop-path and projection dropout; test clips encoded with the
///   statistics training left).
/// - `zeroShotTemplate`: the template zero-shot uses when its spec names none: the paper's
///   ("This is a recording of {}.") or the reference's (`reference`, Table 2's zero-shot).
///
/// Few-shot picks need no switch: the reference's sampler (numpy's stream for the seed) is the
/// sampler for every layout.
public struct ExperimentProtocol: Sendable, Equatable, CustomStringConvertible {
    public enum EncoderMode: String, Sendable, CaseIterable { case eval, reference }

    public var encoderMode: EncoderMode
    /// A template name or text, or nil for zero-shot's own default.
    public var zeroShotTemplate: String?

    public init(encoderMode: EncoderMode = .eval, zeroShotTemplate: String? = nil) {
        self.encoderMode = encoderMode
        self.zeroShotTemplate = zeroShotTemplate
    }

    /// palm's default: frozen eval-mode features, the paper's zero-shot template.
    public static let palm = ExperimentProtocol()
    /// The reference code's: train-mode encoders, its zero-shot prompt.
    public static let reference = ExperimentProtocol(encoderMode: .reference, zeroShotTemplate: "reference")

    /// The protocols by name (`--protocol`).
    public static let named: [(name: String, protocol: ExperimentProtocol)] = [("palm", .palm), ("reference", .reference)]

    /// The protocol called `name` (`palm`, `reference`), with its encoder mode replaced when
    /// `encoderMode` is given; errors list what is known.
    public static func resolve(_ name: String, encoderMode: String? = nil) throws -> ExperimentProtocol {
        guard var p = named.first(where: { $0.name == name.lowercased() })?.protocol else {
            throw PromptingError.invalidData("unknown protocol '\(name)'; known: \(named.map(\.name).joined(separator: ", "))")
        }
        if let encoderMode {
            guard let m = EncoderMode(rawValue: encoderMode.lowercased()) else {
                throw PromptingError.invalidData("unknown encoder mode '\(encoderMode)'; known: \(EncoderMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            p.encoderMode = m
        }
        return p
    }

    /// `palm`, `reference`, or the settings that differ from palm's (`encoder-mode=reference`).
    public var description: String {
        if let n = Self.named.first(where: { $0.protocol == self }) { return n.name }
        var parts: [String] = []
        if encoderMode != .eval { parts.append("encoder-mode=\(encoderMode.rawValue)") }
        if let zeroShotTemplate { parts.append("zeroshot-template=\(zeroShotTemplate)") }
        return parts.joined(separator: ",")
    }

    /// `spec` with this protocol's defaults for settings it leaves unset.
    func apply(to spec: MethodSpec) throws -> MethodSpec {
        guard let template = zeroShotTemplate, spec.kind.name == ZeroShotLearner.kind.name, spec.value("templates") == nil else { return spec }
        return try MethodSpec(spec.name + ":" + ((spec.settings.map { "\($0.key)=\($0.value)" }) + ["templates=\(template)"]).joined(separator: ","))
    }
}
