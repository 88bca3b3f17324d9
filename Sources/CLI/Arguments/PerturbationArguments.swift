import ArgumentParser
import Audio
import Datasets
import Foundation

/// `--perturb` values: sweeps of test-audio perturbations (`noise:snr=20,10,5,0,-5`), each
/// level once. A noise source may also be a class of a dataset,
/// `source=class:LAYOUT:ROOT:CLASS` (e.g. `class:esc50:/data/ESC-50:rain`): every clip of that
/// class is a noise file.
enum PerturbationArguments {
    static func parse(_ specs: [String]) throws -> [Perturbation] {
        var out: [Perturbation] = []
        var seen = Set<String>()
        for spec in specs {
            for p in try Perturbation.sweep(spec, resolveSource: classSource) where seen.insert(p.description).inserted { out.append(p) }
        }
        return out
    }

    /// `class:LAYOUT:ROOT:CLASS` as the clips of that class; nil for any other text.
    static func classSource(_ text: String) throws -> NoiseSource? {
        guard text.hasPrefix("class:") else { return nil }
        let rest = text.dropFirst("class:".count)
        guard let cut = rest.lastIndex(of: ":"), cut != rest.startIndex else {
            throw ValidationError("noise source '\(text)': expected class:LAYOUT:ROOT:CLASS")
        }
        let location = try DatasetLocation(parsing: String(rest[..<cut]))
        let name = String(rest[rest.index(after: cut)...])
        let dataset = try Dataset.load(location.layout, root: location.root)
        guard let label = dataset.classes.firstIndex(where: { Array($0.utf8) == Array(name.utf8) }) else {
            throw ValidationError("noise source '\(text)': \(dataset.name) has no class '\(name)' (its classes: \(dataset.classes.prefix(12).joined(separator: ", "))\(dataset.classes.count > 12 ? ", ..." : ""))")
        }
        var seen = Set<[UInt8]>()
        let paths = dataset.splits.flatMap { $0.train + $0.test }.filter { $0.label == label && seen.insert(Array($0.path.utf8)).inserted }.map(\.path)
        return .files(label: "class:\(dataset.name):\(name)", paths: paths.sorted())
    }
}
