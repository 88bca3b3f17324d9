import Foundation

/// The 11 datasets of the PALM paper, as the reference code names them: their exact names, their
/// exact class strings, and how the reference splits them.
///
/// Names are matched case-insensitively and ignoring punctuation, so `esc50`, `ESC-50` and
/// `ESC50` are the same dataset; a few common aliases (`gtzan`, `nsynth`, `us8k`, ...) are
/// accepted too. The class strings are the reference's own (`"door wood knock"` with spaces for
/// ESC-50, `"city_center"` with its underscore for TUT2017, capitalised `"Cough"` for VocalSound).
public enum KnownDataset: String, CaseIterable, Sendable {
    case beijingOpera = "Beijing-Opera"
    case cremaD = "CREMA-D"
    case esc50 = "ESC50"
    case esc50Actions = "ESC50-Actions"
    case gtMusicGenre = "GT-Music-Genre"
    case nsInstruments = "NS-Instruments"
    case ravdess = "RAVDESS"
    case sesa = "SESA"
    case tut2017 = "TUT2017"
    case urbanSound8K = "UrbanSound8K"
    case vocalSound = "VocalSound"

    /// The dataset's name exactly as the paper and reference spell it.
    public var name: String { rawValue }

    /// The reference's class strings, sorted (label = index in this list).
    public var classes: [String] { ClassOrder.sorted(unsortedClasses) }

    /// Extra spellings accepted besides the name itself (all compared after `normalizedKey`).
    var aliases: [String] {
        switch self {
        case .beijingOpera: return ["beijing", "beijingoperapercussion"]
        case .cremaD: return ["crema"]
        case .esc50: return []
        case .esc50Actions: return ["escactions"]
        case .gtMusicGenre: return ["gtzan", "gtmusic"]
        case .nsInstruments: return ["nsynth"]
        case .ravdess: return []
        case .sesa: return []
        case .tut2017: return ["tut", "tutacousticscenes2017", "tutasc2017"]
        case .urbanSound8K: return ["us8k", "urbansound"]
        case .vocalSound: return []
        }
    }

    private var unsortedClasses: [String] {
        switch self {
        case .beijingOpera: return ["bangu", "daluo", "naobo", "xiaoluo"]
        case .cremaD: return ["anger", "disgust", "fear", "happy", "neutral", "sad"]
        case .esc50: return Self.esc50Categories.map { $0.replacingOccurrences(of: "_", with: " ") }
        case .esc50Actions:
            return ["breathing", "brushing teeth", "clapping", "coughing", "crying baby",
                    "drinking sipping", "footsteps", "laughing", "sneezing", "snoring"]
        case .gtMusicGenre:
            return ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"]
        case .nsInstruments:
            return ["bass", "brass", "flute", "guitar", "keyboard", "mallet", "organ", "reed", "string", "vocal"]
        case .ravdess: return ["angry", "calm", "disgust", "fearful", "happy", "neutral", "sad", "surprised"]
        case .sesa: return ["casual", "explosion", "gunshot", "siren"]
        case .tut2017:
            return ["beach", "bus", "cafe/restaurant", "car", "city_center", "forest_path", "grocery_store",
                    "home", "library", "metro_station", "office", "park", "residential_area", "train", "tram"]
        case .urbanSound8K:
            return ["air conditioner", "car horn", "children playing", "dog bark", "drilling",
                    "engine idling", "gun shot", "jackhammer", "siren", "street music"]
        case .vocalSound: return ["Cough", "Laughter", "Sigh", "Sneeze", "Sniff", "Throat clearing"]
        }
    }

    /// The 50 ESC-50 categories as `meta/esc50.csv` spells them (underscores).
    static let esc50Categories = [
        "dog", "rooster", "pig", "cow", "frog", "cat", "hen", "insects", "sheep", "crow",
        "rain", "sea_waves", "crackling_fire", "crickets", "chirping_birds", "water_drops", "wind",
        "pouring_water", "toilet_flush", "thunderstorm",
        "crying_baby", "sneezing", "clapping", "breathing", "coughing", "footsteps", "laughing",
        "brushing_teeth", "snoring", "drinking_sipping",
        "door_wood_knock", "mouse_click", "keyboard_typing", "door_wood_creaks", "can_opening",
        "washing_machine", "vacuum_cleaner", "clock_alarm", "clock_tick", "glass_breaking",
        "helicopter", "chainsaw", "siren", "car_horn", "engine", "train", "church_bells",
        "airplane", "fireworks", "hand_saw",
    ]

    /// Looks a dataset up by name or alias (case-insensitive, punctuation ignored).
    /// - Throws: `DatasetError.unknownDataset`, listing the known names.
    public static func named(_ name: String) throws -> KnownDataset {
        let key = normalizedKey(name)
        for d in allCases where normalizedKey(d.name) == key || d.aliases.contains(key) { return d }
        throw DatasetError.unknownDataset(name: name, known: allCases.map(\.name) + ["folder", "csv"])
    }

    /// Maps a label as some distribution spells it (`"throatclearing"`, `"Dog_Bark"`) to the
    /// reference string, comparing `normalizedKey`s; nil when it is not one of this dataset's classes.
    public func referenceClass(for label: String) -> String? {
        let key = Self.normalizedKey(label)
        return classes.first { Self.normalizedKey($0) == key }
    }

    /// Lower-cased letters and digits only: `"ESC-50"` -> `"esc50"`, `"Throat clearing"` -> `"throatclearing"`.
    static func normalizedKey(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }
}

/// The class order of the reference: Python's `sorted` on strings, i.e. by Unicode code
/// points (so `"Cough" < "bass"`, and no locale rules).
public enum ClassOrder {
    /// `strings` sorted by code points, duplicates (identical bytes) removed; strings that differ
    /// only in Unicode normalisation are kept apart, as Python keeps them.
    public static func sorted(_ strings: [String]) -> [String] {
        var seen = Set<ExactText>()
        return strings.filter { seen.insert(ExactText($0)).inserted }.sorted(by: precedes)
    }

    /// True when `a` sorts before `b` by code points.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }
}
