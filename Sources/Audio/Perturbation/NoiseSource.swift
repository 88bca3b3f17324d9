import Foundation
import Tensor

/// Where the noise of `Perturbation.Kind.noise` comes from.
public enum NoiseSource: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Gaussian white noise (flat spectrum).
    case white
    /// Pink noise: power falling as 1/f (3 dB per octave) above 20 Hz, flat below.
    case pink
    /// Brown (red) noise: power falling as 1/f^2 (6 dB per octave) above 20 Hz, flat below.
    case brown
    /// Excerpts of recorded noise: for each clip one of `paths` is picked and a stretch of it
    /// taken, both with the clip's generator. `label` names the collection in descriptions
    /// (`folder:/data/noise`, `class:esc50:/data/ESC-50:rain`).
    case files(label: String, paths: [String])

    /// Extensions counted as audio when a folder is scanned (what libsndfile decodes).
    public static let audioExtensions: Set<String> = ["wav", "wave", "flac", "ogg", "oga", "opus", "mp3", "aif", "aiff",
                                                      "aifc", "caf", "w64", "rf64"]

    /// Every audio file under `folder`, recursively (by extension, hidden files skipped),
    /// sorted by path, as `.files(label: "folder:FOLDER", ...)`. An error names the folder
    /// when it is missing, not a folder, or holds no audio file.
    public static func folder(_ folder: String) throws(AudioError) -> NoiseSource {
        let root = URL(fileURLWithPath: folder).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: folder)
        }
        guard isDirectory.boolValue else {
            throw .invalidParameter(path: folder, reason: "a noise folder must be a directory of audio files")
        }
        var paths = [String]()
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                    options: [.skipsHiddenFiles])
        while let url = walker?.nextObject() as? URL {
            guard audioExtensions.contains(url.pathExtension.lowercased()),
                  (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            paths.append(url.standardizedFileURL.path)
        }
        if paths.isEmpty {
            throw .invalidParameter(path: folder, reason:
                "no audio files (\(audioExtensions.sorted().joined(separator: ", "))) under this folder to use as noise")
        }
        return .files(label: "folder:\(folder)", paths: paths.sorted())
    }

    /// `white`, `pink`, `brown`, or for files `LABEL#HASH`: 16 hex digits of FNV-1a 64 over
    /// the sorted paths and each file's size in bytes (-1 when missing), so adding, removing
    /// or replacing a noise file changes the fingerprint of features made with it.
    public var description: String {
        switch self {
        case .white: return "white"
        case .pink: return "pink"
        case .brown: return "brown"
        case .files(let label, let paths):
            var h = FNV1a64()
            for p in paths.sorted() {
                let size = ((try? FileManager.default.attributesOfItem(atPath: p))?[.size] as? NSNumber)?.intValue ?? -1
                h.combine("\(p)\0\(size)\n".utf8)
            }
            let hex = String(h.value, radix: 16)
            return "\(label)#" + String(repeating: "0", count: 16 - hex.count) + hex
        }
    }
}
