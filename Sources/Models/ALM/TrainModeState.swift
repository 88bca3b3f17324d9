import Tensor

/// The state of encoders running in train mode, as the PALM reference trains (`model.train()`
/// every epoch): the random stream of SpecAugment, drop-path and dropout, and the audio
/// encoder's normalisation statistics, which every training batch moves. Shared by the audio
/// and text sides of one training run.
public final class TrainModeState: @unchecked Sendable {
    public var generator: SeededGenerator
    /// The audio encoder's running normalisation statistics by layer (PENGI: HTSAT's `bn0`),
    /// starting from the loaded ones.
    public var statistics: [String: BatchNormStatistics]
    /// HTSAT's train-mode parts. (Dropout rates are each model's own: PENGI's projections 0.5,
    /// BERT's 0.1.)
    public var htsat: HTSATTrainingOptions

    public init(seed: UInt64, statistics: [String: BatchNormStatistics], htsat: HTSATTrainingOptions = HTSATTrainingOptions()) {
        generator = SeededGenerator(seed: seed)
        self.statistics = statistics
        self.htsat = htsat
    }
}
