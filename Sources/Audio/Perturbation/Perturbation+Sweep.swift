import Foundation
import Support

/// A `--perturb` spec that cannot be read: names the spec, the key and what was expected.
public struct PerturbationSpecError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The spec as written.
    public let spec: String
    /// What is wrong, starting with the key when one is at fault.
    public let message: String

    public init(spec: String, message: String) {
        self.spec = spec
        self.message = message
    }

    public var description: String { "perturbation '\(spec)': \(message)" }
}

extension Perturbation {
    /// The kinds `sweep` reads, with their keys (required first) and the defaults of the rest.
    static let specKeys: [String: (required: [String], optional: [String: String])] = [
        "noise": (["snr"], ["source": "white", "seed": "0"]),
        "gain": (["db"], ["seed": "0"]),
        "shift": (["seconds"], ["seed": "0"]),
        "resample": (["rate"], ["seed": "0"]),
        "codec": (["format"], ["quality": "0.5", "seed": "0"]),
        "reverb": (["ir"], ["wet": "1", "seed": "0"]),
    ]

    /// Reads a grid dimension of perturbations: `KIND:key=value,key=value,...`, where one key
    /// may list several values (a comma-separated list runs until the next `key=`), giving one
    /// perturbation per value, in order:
    ///
    ///     noise:snr=20,10,5,0,-5,source=pink,seed=3   -> 5 perturbations
    ///     gain:db=-12,-6,6                             -> 3
    ///     codec:format=mp3,vorbis,quality=0.3          -> 2
    ///
    /// Kinds and keys: `noise:snr=DB[,source=S][,seed=N]` (source `white` (default), `pink`,
    /// `brown`, `folder:PATH` for every audio file under PATH, or any text `resolveSource`
    /// turns into a source, such as a dataset class); `gain:db=DB`; `shift:seconds=S`;
    /// `resample:rate=HZ`; `codec:format=mp3|vorbis[,quality=0..1 (0.5)]`;
    /// `reverb:ir=PATH[,wet=0..1 (1)]`. Every kind takes `seed` (default 0). Values cannot
    /// contain commas. Errors name the key and what was expected.
    public static func sweep(_ spec: String, resolveSource: (String) throws -> NoiseSource? = { _ in nil }) throws -> [Perturbation] {
        func fail(_ message: String) -> PerturbationSpecError { PerturbationSpecError(spec: spec, message: message) }
        let text = spec.trimmingCharacters(in: .whitespaces)
        guard let colon = text.firstIndex(of: ":") else {
            throw fail("expected KIND:key=value,... with KIND one of \(specKeys.keys.sorted().joined(separator: ", "))")
        }
        let kindName = text[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        guard let keys = specKeys[kindName] else {
            throw fail("unknown kind '\(kindName)'\(NameSuggestion.hint(for: kindName, in: specKeys.keys)); expected one of "
                + specKeys.keys.sorted().joined(separator: ", "))
        }
        let allowed = Set(keys.required).union(keys.optional.keys)

        // Group the comma-separated tokens: a `key=` token opens a key, a bare token continues it.
        var order = [String]()
        var values = [String: [String]]()
        for raw in text[text.index(after: colon)...].split(separator: ",", omittingEmptySubsequences: false) {
            let token = raw.trimmingCharacters(in: .whitespaces)
            if let eq = token.firstIndex(of: "="), isKeyName(token[..<eq]) {
                let key = token[..<eq].lowercased()
                guard allowed.contains(key) else {
                    throw fail("unknown key '\(key)' for \(kindName)\(NameSuggestion.hint(for: key, in: allowed)); expected "
                        + allowed.sorted().joined(separator: ", "))
                }
                if values[key] != nil { throw fail("\(key) is given twice") }
                order.append(key)
                values[key] = [token[token.index(after: eq)...].trimmingCharacters(in: .whitespaces)]
            } else if let key = order.last {
                values[key]!.append(token)
            } else {
                throw fail("expected key=value after '\(kindName):', got '\(token)'")
            }
        }
        for key in order where values[key]!.contains(where: \.isEmpty) {
            throw fail("\(key) has an empty value")
        }
        for key in keys.required where values[key] == nil {
            throw fail("\(kindName) needs \(key): \(valueHint(key))")
        }
        let swept = order.filter { values[$0]!.count > 1 }
        if swept.count > 1 {
            throw fail("only one key may list several values, but \(swept.joined(separator: " and ")) do")
        }
        for (key, value) in keys.optional where values[key] == nil { values[key] = [value] }

        let runs = swept.first.map { values[$0]!.count } ?? 1
        return try (0..<runs).map { run in
            let single = values.mapValues { $0.count > 1 ? $0[run] : $0[0] }
            return try make(kindName, single, resolveSource: resolveSource, fail: fail)
        }
    }

    /// Builds one perturbation from single values (every required key present).
    private static func make(_ kind: String, _ v: [String: String], resolveSource: (String) throws -> NoiseSource?,
                             fail: (String) -> PerturbationSpecError) throws -> Perturbation {
        func double(_ key: String) throws -> Double {
            guard let x = Double(v[key]!), x.isFinite else { throw fail("\(key): expected \(valueHint(key)), got '\(v[key]!)'") }
            return x
        }
        func fraction(_ key: String) throws -> Double {
            let x = try double(key)
            guard (0...1).contains(x) else { throw fail("\(key): expected \(valueHint(key)), got '\(v[key]!)'") }
            return x
        }
        guard let seed = UInt64(v["seed"]!) else {
            throw fail("seed: expected \(valueHint("seed")), got '\(v["seed"]!)'")
        }
        switch kind {
        case "noise":
            return Perturbation(.noise(source: try source(v["source"]!, resolveSource: resolveSource, fail: fail),
                                       snr: try double("snr")), seed: seed)
        case "gain":
            return Perturbation(.gain(decibels: try double("db")), seed: seed)
        case "shift":
            return Perturbation(.shift(seconds: try double("seconds")), seed: seed)
        case "resample":
            guard let rate = Int(v["rate"]!), rate > 0 else { throw fail("rate: expected \(valueHint("rate")), got '\(v["rate"]!)'") }
            return Perturbation(.resample(rate: rate), seed: seed)
        case "codec":
            let name = v["format"]!.lowercased()
            guard let format = CodecFormat(rawValue: name == "ogg" ? "vorbis" : name) else {
                throw fail("format: expected \(valueHint("format")), got '\(v["format"]!)'")
            }
            return Perturbation(.codec(format: format, quality: try fraction("quality")), seed: seed)
        default:  // reverb
            return Perturbation(.reverb(impulseResponse: v["ir"]!, wet: try fraction("wet")), seed: seed)
        }
    }

    /// `white`, `pink`, `brown`, `folder:PATH`, or whatever `resolveSource` recognises.
    private static func source(_ text: String, resolveSource: (String) throws -> NoiseSource?,
                               fail: (String) -> PerturbationSpecError) throws -> NoiseSource {
        switch text.lowercased() {
        case "white": return .white
        case "pink": return .pink
        case "brown", "red": return .brown
        default: break
        }
        if text.hasPrefix("folder:") {
            do { return try NoiseSource.folder(String(text.dropFirst("folder:".count))) } catch {
                throw fail("source: \(error)")
            }
        }
        if let resolved = try resolveSource(text) { return resolved }
        throw fail("source: expected \(valueHint("source")), got '\(text)'")
    }

    /// What a key's value should look like, for error messages.
    private static func valueHint(_ key: String) -> String {
        switch key {
        case "snr": return "a signal-to-noise ratio in dB (e.g. 10 or -5)"
        case "db": return "a gain in dB (e.g. -6)"
        case "seconds": return "a time in seconds (e.g. 0.5 or -0.25)"
        case "rate": return "a sample rate in Hz, a positive whole number (e.g. 8000)"
        case "format": return "mp3 or vorbis"
        case "quality": return "a number from 0 (smallest file) to 1 (best quality)"
        case "wet": return "a number from 0 (dry) to 1 (fully reverberant)"
        case "ir": return "the path of an impulse response audio file"
        case "seed": return "a whole number from 0 to \(UInt64.max)"
        case "source": return "white, pink, brown or folder:PATH (or a source such as class:DATASET:ROOT:CLASS where supported)"
        default: return "a value"
        }
    }

    /// Whether `s` can open a key (letters, digits, `_`, starting with a letter), so that a path
    /// holding `=` continues the previous value rather than opening a key.
    private static func isKeyName(_ s: Substring) -> Bool {
        guard let first = s.first, first.isLetter else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }
}
