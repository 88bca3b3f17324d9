import Models

// The reduced configurations of the always-run golden fixtures (`Scripts/fixtures/*.py`): test
// shapes, not models anyone runs, so they live with the tests.

extension AISFXConfig {
    /// The random-weight net of `Scripts/fixtures/aisfx.py`.
    public static let tiny = AISFXConfig(baseChannels: 4, blockFrames: 20, melBins: 16)
}

extension CLIPTextConfig {
    /// The reduced tower of `Scripts/fixtures/pengi.py` ("tiny").
    public static let tiny = CLIPTextConfig(vocabSize: 1000, width: 32, layers: 2, heads: 4, intermediate: 64, maxPositions: 16)
}

extension PENGIConfig {
    /// The reduced model of `Scripts/fixtures/pengi.py`, d = 32.
    public static let tiny = PENGIConfig(audio: .tiny, text: .tiny, embeddingDim: 32)
}

extension BERTConfig {
    /// The random-weight tower of `Scripts/fixtures/minilm.py`.
    public static let tiny = BERTConfig(vocabSize: 100, width: 32, layers: 2, heads: 4, intermediate: 64, maxPositions: 24)
}
