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
    /// The projection heads' dropout rate (PENGI's `Projection`: 0.5).
    public var dropout: Float
    /// HTSAT's train-mode parts.
    public var htsat: HTSATTrainingOptions

    public init(seed: UInt64, statistics: [String: BatchNormStatistics], dropout: Float = 0.5, htsat: HTSATTrainingOptions = HTSATTrainingOptions()) {
        generator = SeededGenerator(seed: seed)
        self.statistics = statistics
        self.dropout = dropout
        self.htsat = htsat
    }
}
