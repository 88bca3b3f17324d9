/// Shape of the aisfx EmbeddingNet (`EmbeddingNet(pool_type, ks, strd, hl1)` in aisfx's
/// `models/cnn2d.py`; aisfx 0.1.2 builds it as `EmbeddingNet('max', 3, 1, 64)`).
public struct AISFXConfig: Sendable, Equatable {
    /// `hl1`: channels of the first block; blocks 2-4 double it (64/128/256/512).
    public var baseChannels: Int
    /// Frames per input block (time, the height of the image).
    public var blockFrames: Int
    /// Mel bands (the width of the image).
    public var melBins: Int

    public init(baseChannels: Int, blockFrames: Int = 100, melBins: Int = 96) {
        self.baseChannels = baseChannels; self.blockFrames = blockFrames; self.melBins = melBins
    }

    /// Channels of each of the four conv blocks.
    public var channels: [Int] { (0..<4).map { baseChannels << $0 } }
    /// Width of the embedding (the last block's channels; 512 for aisfx).
    public var dimension: Int { baseChannels << 3 }

    /// aisfx 0.1.2's X-Sequential-CE model (`aisfx/models/checkpoint.pth`).
    public static let aisfx012 = AISFXConfig(baseChannels: 64)
}
