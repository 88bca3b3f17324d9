import Foundation
import Tensor

/// Training options. Defaults are the PALM reference recipe: SGD lr 0.05, momentum 0.9, no
/// weight decay, constant rate, batch 16 shuffled by the seed, 50 epochs.
public struct TrainingOptions: Sendable {
    public enum OptimizerKind: String, Sendable, CaseIterable { case sgd, adamw }
    public var epochs = 50
    public var batchSize = 16
    public var learningRate: Float = 0.05
    public var momentum: Float = 0.9
    public var weightDecay: Float = 0
    public var optimizer: OptimizerKind = .sgd
    /// Cosine decay over all steps when true (warm-up steps at `warmupRate` first).
    public var cosine = false
    public var warmupEpochs = 0
    public var warmupRate: Float = 1e-5
    /// Seed of the batch shuffling.
    public var seed: UInt64 = 0
    /// Evaluate on the evaluation set every N epochs (0: never).
    public var evaluateEvery = 0
    public init() {}

    /// The training settings a method spec (`coop:epochs=5,lr=0.01`) and `fit(...)` take, with
    /// the PALM recipe's defaults.
    public static let settings: [Setting] = [
        Setting("epochs", .count, default: .int(50), "passes over the data"),
        Setting("lr", .number, default: .number(0.05), aliases: ["learning_rate"], "learning rate"),
        Setting("batch", .count, default: .int(16), aliases: ["batch_size"], "batch size"),
        Setting("optimizer", .choice(OptimizerKind.allCases.map(\.rawValue)), default: .text("sgd"), "sgd or adamw"),
        Setting("momentum", .number, default: .number(0.9), "SGD momentum"),
        Setting("weight_decay", .number, default: .number(0), "weight decay"),
        Setting("cosine", .flag, default: .flag(false), "cosine learning-rate decay over all steps"),
    ]

    /// Applies the training settings in `given` (canonical keys, checked values).
    public mutating func apply(_ given: Settings) {
        if let v = given.int("epochs") { epochs = v }
        if let v = given.number("lr") { learningRate = Float(v) }
        if let v = given.int("batch") { batchSize = v }
        if let v = given.text("optimizer"), let k = OptimizerKind(rawValue: v) { optimizer = k }
        if let v = given.number("momentum") { momentum = Float(v) }
        if let v = given.number("weight_decay") { weightDecay = Float(v) }
        if case let .flag(b)? = given["cosine"] { cosine = b }
    }
}

/// One epoch's record.
public struct EpochRecord: Sendable, Codable {
    public var epoch: Int
    public var loss: Double
    public var trainAccuracy: Double
    public var evalAccuracy: Double?
    public var seconds: Double
}

/// What a training run produced.
public struct TrainingReport: Sendable {
    public var epochs: [EpochRecord]
    /// True when the cancellation hook stopped training early (the learner keeps what it learned).
    public var cancelled: Bool
    public var seconds: Double
}

/// The one trainer of palm: every learner is trained by it on cached audio features.
public struct Trainer {
    public var options: TrainingOptions
    /// Checked at every batch boundary; returning true stops training cleanly (Ctrl-C).
    public var shouldStop: () -> Bool = { false }
    /// Called after every epoch (progress display).
    public var onEpoch: (EpochRecord) -> Void = { _ in }
    /// The audio features of a training batch (row indices into the training set); nil: the
    /// set's cached features. The reference's train mode re-encodes each batch here.
    public var audioBatch: ((_ indices: [Int]) throws -> Tensor)?

    public init(options: TrainingOptions = TrainingOptions()) { self.options = options }

    /// Trains `learner` on `training`, optionally evaluating on `evaluation`.
    @discardableResult
    public func fit(_ learner: PromptLearner, on training: FeatureSet, evaluation: FeatureSet? = nil) throws -> TrainingReport {
        try validate(learner, training, requireAllClasses: true)
        if let evaluation { try validate(learner, evaluation, requireAllClasses: false) }
        try learner.prepare(training: training)
        let params = learner.parameters.map(\.tensor)
        let start = Date()
        guard !params.isEmpty else { return TrainingReport(epochs: [], cancelled: false, seconds: 0) }
        let optimizer: Optimizer = options.optimizer == .sgd
            ? SGD(parameters: params, learningRate: options.learningRate, momentum: options.momentum, weightDecay: options.weightDecay)
            : AdamW(parameters: params, learningRate: options.learningRate, weightDecay: options.weightDecay)
        let batches = (training.count + options.batchSize - 1) / options.batchSize
        let warmupSteps = options.warmupEpochs * batches
        let schedule: LearningRateSchedule = options.cosine
            ? .cosine(totalSteps: options.epochs * batches, warmupSteps: warmupSteps, warmupStart: options.warmupRate, warmupConstant: true)
            : .constant
        var g = SeededGenerator(seed: options.seed)
        var records: [EpochRecord] = []
        var step = 0
        for epoch in 1...max(options.epochs, 1) where options.epochs > 0 {
            let t0 = Date()
            let order = g.permutation(training.count)
            var lossSum = 0.0, correct = 0
            for b in 0..<batches {
                if shouldStop() {
                    return TrainingReport(epochs: records, cancelled: true, seconds: Date().timeIntervalSince(start))
                }
                let idx = Array(order[(b * options.batchSize)..<min((b + 1) * options.batchSize, training.count)])
                let labels = idx.map { training.labels[$0] }
                optimizer.learningRate = schedule.rate(at: step, base: options.learningRate)
                optimizer.zeroGrad()
                let audio = try audioBatch?(idx) ?? training.features.indexSelect(axis: 0, indices: idx)
                let logits = try learner.logits(audio)
                let loss = try logits.crossEntropy(targets: labels)
                let value = try loss.item()
                guard value.isFinite else { throw PromptingError.nonFiniteLoss(epoch: epoch, batch: b + 1) }
                try loss.backward()
                optimizer.step()
                step += 1
                lossSum += Double(value) * Double(idx.count)
                let predicted = try logits.argmax(axis: 1).toArray()
                correct += zip(predicted, labels).filter { Int($0) == $1 }.count
            }
            var record = EpochRecord(epoch: epoch, loss: lossSum / Double(training.count),
                                     trainAccuracy: Double(correct) / Double(training.count), evalAccuracy: nil,
                                     seconds: Date().timeIntervalSince(t0))
            if let evaluation, options.evaluateEvery > 0, epoch % options.evaluateEvery == 0 || epoch == options.epochs {
                record.evalAccuracy = try Evaluator.evaluate(learner, on: evaluation).accuracy
            }
            records.append(record)
            onEpoch(record)
        }
        return TrainingReport(epochs: records, cancelled: false, seconds: Date().timeIntervalSince(start))
    }

    private func validate(_ learner: PromptLearner, _ data: FeatureSet, requireAllClasses: Bool) throws {
        guard data.dimension == learner.dimension else {
            throw PromptingError.dimensionMismatch(expected: learner.dimension, found: data.dimension, what: learner.method)
        }
        try checkClasses(learner: learner, data: data, requireAll: requireAllClasses)
    }
}

/// Checks that `data`'s class names are the learner's and, for training, that every class has
/// at least one example.
func checkClasses(learner: PromptLearner, data: FeatureSet, requireAll: Bool) throws {
    let known = Set(learner.classNames)
    let unknown = Set(data.labels.map { data.classNames[$0] }).subtracting(known)
    if !unknown.isEmpty { throw PromptingError.unknownClasses(unknown.sorted()) }
    if data.classNames != learner.classNames {
        // Same names in another order would silently permute labels.
        throw PromptingError.invalidData("class order differs from the learner's (\(data.classNames.prefix(3).joined(separator: ", ")), ... vs \(learner.classNames.prefix(3).joined(separator: ", ")), ...)")
    }
    if requireAll {
        let present = Set(data.labels)
        let missing = learner.classNames.indices.filter { !present.contains($0) }.map { learner.classNames[$0] }
        if !missing.isEmpty { throw PromptingError.missingClasses(missing) }
    }
}
