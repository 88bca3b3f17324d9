import Datasets
import Foundation
import Models
import Prompting
import Support
import Tensor

/// `palm bench protocol`: one ESC-50-sized fold end to end, the cost a researcher pays per fold.
/// PENGI's base architecture with random weights embeds 800 training and 400 test clips of real
/// audio (the demo corpus, tiled to 1 200 paths; each clip is decoded and encoded again, as a
/// cold feature cache would), then zero-shot over 50 classes, PALM (50 epochs) and one CoOp
/// epoch (50 steps of 16 clips through the text tower) run on those features. Labels cycle
/// through the 50 ESC-50 classes: with random weights the accuracies mean nothing, only the
/// times and the memory do.
enum ProtocolBenchmark {
    static func run(train: Int = 800, test: Int = 400) throws {
        print("== one ESC-50-sized fold: \(train) training + \(test) test clips, zero-shot, PALM, one CoOp epoch ==")
        let corpus = corpusFiles()
        guard !corpus.isEmpty else {
            print("  no demo corpus under \(CachePaths.demo)/corpus: run `Scripts/palm demo` (or `palm demo --corpus-only`) first")
            return
        }
        let classes = KnownDataset.esc50.classes
        let paths = (0..<(train + test)).map { corpus[$0 % corpus.count] }
        let labels = (0..<(train + test)).map { $0 % classes.count }
        let model = try ModelSpec.load(PENGIModel.randomKind.name + ":base")
        let start = Stopwatch.now()
        var stages: [(String, Double)] = []
        func stage<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let t0 = Stopwatch.now()
            let value = try body()
            let seconds = Stopwatch.now() - t0
            stages.append((name, seconds))
            print("  " + name.padding(toLength: 36, withPad: " ", startingAt: 0)
                  + String(format: "%7.1f s   (peak RSS so far %.0f MB)", seconds, ProcessClock.peakResidentMB()))
            return value
        }
        func embed(_ range: Range<Int>) throws -> FeatureSet {
            let rows = try model.embedAudio(paths: Array(paths[range])).map { try $0.get() }
            return try FeatureSet(features: Tensor(rows.flatMap { $0 }, shape: [rows.count, model.dimension]),
                                  labels: Array(labels[range]), classNames: classes)
        }
        let trainSet = try stage("embed \(train) training clips") { try embed(0..<train) }
        let testSet = try stage("embed \(test) test clips") { try embed(train..<(train + test)) }
        try stage("zero-shot (50 classes, evaluate)") {
            let learner = try LearnerRegistry.make(ZeroShotLearner.kind.name, model: model, classNames: classes, seed: 0)
            try learner.prepare(training: trainSet)
            _ = try Evaluator.evaluate(learner, on: testSet)
        }
        try stage("PALM (50 epochs, evaluate)") {
            let learner = try LearnerRegistry.make(PALMLearner.kind.name, model: model, classNames: classes, seed: 0)
            try Trainer().fit(learner, on: trainSet)
            _ = try Evaluator.evaluate(learner, on: testSet)
        }
        try stage("CoOp (1 epoch = 50 steps, evaluate)") {
            var options = TrainingOptions()
            options.epochs = 1
            let learner = try LearnerRegistry.make(CoOpLearner.coopKind.name, model: model, classNames: classes, seed: 0)
            try Trainer(options: options).fit(learner, on: trainSet)
            _ = try Evaluator.evaluate(learner, on: testSet)
        }
        let total = Stopwatch.now() - start
        let encoding = stages.prefix(2).map(\.1).reduce(0, +)
        print(String(format: "  total %.1f s (encoding %.1f s = %.1f clips/s); peak RSS %.0f MB", total, encoding,
                     Double(train + test) / encoding, ProcessClock.peakResidentMB()))
    }

    /// The demo corpus's audio files (both splits), sorted (the layout readers' scan).
    static func corpusFiles() -> [String] {
        (try? DirectoryScan.audioFiles(under: CachePaths.demo + "/corpus")) ?? []
    }
}
