import Prompting
import XCTest

final class ResultsTableTests: XCTestCase {
    func record(_ d: String, _ m: String, _ seed: UInt64, _ fold: Int, _ acc: Double) -> ExperimentRecord {
        ExperimentRecord(dataset: d, method: m, seed: seed, fold: fold, shots: 16, accuracy: acc, macroF1: acc / 2, trainSeconds: 1, parameters: 10)
    }

    func testFoldsAveragedPerSeedThenSeedsAveraged() {
        let records = [
            record("ESC50", "zeroshot", 0, 1, 0.5), record("ESC50", "zeroshot", 0, 2, 0.3),
            record("ESC50", "palm", 0, 1, 0.9), record("ESC50", "palm", 0, 2, 0.7),
            record("ESC50", "palm", 1, 1, 1.0), record("ESC50", "palm", 1, 2, 0.8),
            record("SESA", "zeroshot", 0, 0, 0.6), record("SESA", "palm", 0, 0, 0.8), record("SESA", "palm", 1, 0, 0.6),
        ]
        let table = ResultsTable.markdown(records)
        let lines = table.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "| dataset | zeroshot | palm s0 | palm s1 | palm avg |")
        XCTAssertEqual(lines[2], "| ESC50 | 0.4000 | 0.8000 | 0.9000 | 0.8500 |")
        XCTAssertEqual(lines[3], "| SESA | 0.6000 | 0.8000 | 0.6000 | 0.7000 |")
        XCTAssertEqual(lines[4], "| **average** | 0.5000 | 0.8000 | 0.7500 | 0.7750 |")
        let csv = ResultsTable.csv(records).split(separator: "\n")
        XCTAssertEqual(csv[0], "dataset,method,seed,fold,shots,accuracy,macro_f1,train_seconds,parameters")
        XCTAssertEqual(csv[1], "ESC50,zeroshot,0,1,16,0.5000,0.2500,1.000,10")
    }
}
