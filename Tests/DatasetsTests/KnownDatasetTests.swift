import XCTest
import Datasets

/// Names, aliases and class strings of the paper's 11 datasets.
final class KnownDatasetTests: XCTestCase {
    static let esc50Categories = [
        "dog", "rooster", "pig", "cow", "frog", "cat", "hen", "insects", "sheep", "crow",
        "rain", "sea_waves", "crackling_fire", "crickets", "chirping_birds", "water_drops", "wind",
        "pouring_water", "toilet_flush", "thunderstorm", "crying_baby", "sneezing", "clapping", "breathing",
        "coughing", "footsteps", "laughing", "brushing_teeth", "snoring", "drinking_sipping",
        "door_wood_knock", "mouse_click", "keyboard_typing", "door_wood_creaks", "can_opening",
        "washing_machine", "vacuum_cleaner", "clock_alarm", "clock_tick", "glass_breaking",
        "helicopter", "chainsaw", "siren", "car_horn", "engine", "train", "church_bells",
        "airplane", "fireworks", "hand_saw",
    ]

    func testExactNamesAndAliases() throws {
        XCTAssertEqual(KnownDataset.allCases.map(\.name), [
            "Beijing-Opera", "CREMA-D", "ESC50", "ESC50-Actions", "GT-Music-Genre", "NS-Instruments",
            "RAVDESS", "SESA", "TUT2017", "UrbanSound8K", "VocalSound"])
        for d in KnownDataset.allCases {
            XCTAssertEqual(try KnownDataset.named(d.name), d)
            XCTAssertEqual(try KnownDataset.named(d.name.lowercased()), d)
        }
        XCTAssertEqual(try KnownDataset.named("esc50"), .esc50)
        XCTAssertEqual(try KnownDataset.named("ESC-50"), .esc50)
        XCTAssertEqual(try KnownDataset.named("esc50_actions"), .esc50Actions)
        XCTAssertEqual(try KnownDataset.named("gtzan"), .gtMusicGenre)
        XCTAssertEqual(try KnownDataset.named("nsynth"), .nsInstruments)
        XCTAssertEqual(try KnownDataset.named("cremad"), .cremaD)
        XCTAssertEqual(try KnownDataset.named("beijing_opera"), .beijingOpera)
    }

    func testClassStringsAsTheReferenceListsThem() {
        XCTAssertEqual(KnownDataset.esc50.classes.count, 50)
        XCTAssertEqual(Set(KnownDataset.esc50.classes), Set(Self.esc50Categories.map { $0.replacingOccurrences(of: "_", with: " ") }))
        XCTAssertEqual(KnownDataset.tut2017.classes.count, 15)
        XCTAssertTrue(KnownDataset.tut2017.classes.contains("cafe/restaurant"))
        XCTAssertTrue(KnownDataset.tut2017.classes.contains("city_center"))
        XCTAssertEqual(KnownDataset.vocalSound.classes, ["Cough", "Laughter", "Sigh", "Sneeze", "Sniff", "Throat clearing"])
        XCTAssertEqual(KnownDataset.nsInstruments.classes.count, 10)
        XCTAssertFalse(KnownDataset.nsInstruments.classes.contains("synth_lead"))
        XCTAssertEqual(KnownDataset.ravdess.classes, ["angry", "calm", "disgust", "fearful", "happy", "neutral", "sad", "surprised"])
        for d in KnownDataset.allCases { XCTAssertEqual(d.classes, ClassOrder.sorted(d.classes)) }
    }

    func testClassOrderIsCodePointOrder() {
        XCTAssertEqual(ClassOrder.sorted(["b", "B", "a", "_x", "Z"]), ["B", "Z", "_x", "a", "b"])
    }
}
