/// Shape of PANNs' CNN14 (Kong et al. 2020, `Cnn14` in `models.py`): bn0 over the mel bins, six
/// conv blocks, `fc1` to the embedding. The released networks all use the full widths; a
/// reduced config exists for fixtures and quick tries.
public struct CNN14Config: Sendable, Equatable {
    /// Mel bins of the log-mel input (`bn0`'s channels; 64 in every released CNN14).
    public var melBins: Int
    /// Output channels of `conv_block1` ... `conv_block6` (64, 128, ..., 2048).
    public var channels: [Int]
    /// `fc1`'s output, the embedding (`out_emb`; 2048).
    public var embeddingDim: Int

    public init(melBins: Int = 64, channels: [Int], embeddingDim: Int) {
        precondition(channels.count == 6, "CNN14 has six conv blocks")
        self.melBins = melBins; self.channels = channels; self.embeddingDim = embeddingDim
    }

    /// PANNs' CNN14 as MS-CLAP 2022 (`out_emb` 2048) and LAION-CLAP's PANN-14 tower use it.
    public static let pann = CNN14Config(channels: [64, 128, 256, 512, 1024, 2048], embeddingDim: 2048)

    /// A reduced CNN14 (widths 4 ... 32, embedding 32) for fixtures and `-random:tiny` kinds.
    public static let tiny = CNN14Config(channels: [4, 8, 8, 16, 16, 32], embeddingDim: 32)

    /// Frames and mel bins the five 2x2 pools need at least (32: each pool halves, floor).
    public static let minimumExtent = 32
}
